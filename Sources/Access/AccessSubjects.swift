/// The patients, studies and instances a request names before any data moves, and the query it
/// asks: what the audit record of its decision lists. For a store, also the data that the
/// study conditions of a policy read, which the audit record leaves out (institution and
/// physician names are identifying: PS3.15 Annex E).
public struct AccessSubjects: Sendable, Hashable {
    public var patientIDs: [String]
    public var studyUIDs: [String]
    public var sopInstanceUIDs: [String]
    /// A query's SOP class and identifier (Explicit VR Little Endian), for C-FIND, C-MOVE and C-GET.
    public var query: AccessQuery?
    /// The object to store, as study conditions read it.
    public var object: StudyAttributes?
    /// The archived study the object would join, as the index keeps it; nil when it is new.
    public var archivedStudy: StudyAttributes?
    /// Where a retrieve sends the data, when not back to the requestor (a C-MOVE).
    public var destination: AccessDestination?

    public init(patientIDs: [String] = [], studyUIDs: [String] = [], sopInstanceUIDs: [String] = [], query: AccessQuery? = nil,
                object: StudyAttributes? = nil, archivedStudy: StudyAttributes? = nil, destination: AccessDestination? = nil) {
        self.patientIDs = patientIDs
        self.studyUIDs = studyUIDs
        self.sopInstanceUIDs = sopInstanceUIDs
        self.query = query
        self.object = object
        self.archivedStudy = archivedStudy
        self.destination = destination
    }

    public static let none = AccessSubjects()
}

/// A query as asked.
public struct AccessQuery: Sendable, Hashable {
    public var sopClassUID: String
    /// The identifier, encoded Explicit VR Little Endian (PS3.15 A.5.3.12 ParticipantObjectQuery).
    public var identifier: [UInt8]

    public init(sopClassUID: String, identifier: [UInt8]) {
        self.sopClassUID = sopClassUID
        self.identifier = identifier
    }
}
