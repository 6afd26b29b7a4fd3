/// What an accepted association allowed, filled in as the probe goes so that whatever was
/// learnt survives an association that ends early.
struct AssociationInspection: Sendable, Hashable {
    var calledAETitle: String
    var echoAnswered = false
    var patientQuery: QueryExposure?
    var studyQuery: QueryExposure?
    /// The peer accepted a Storage presentation context: it would take a C-STORE.
    var storageAccepted = false
    /// The SOP Instance UID of the test object a C-STORE stored (`ScanOptions.intrusive`).
    var testObjectStored: String?
    /// What the acceptor calls its implementation (A-ASSOCIATE-AC), which may name a release.
    var implementationVersionName: String?
}
