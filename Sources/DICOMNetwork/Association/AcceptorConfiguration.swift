import DICOM

/// The terms on which this application entity accepts associations (PS3.7 D.3.3, PS3.8 9.3.3).
public struct AcceptorConfiguration: Sendable, Hashable {
    /// This application entity's title. The called AE title of a request must equal it unless
    /// `acceptsAnyCalledAETitle` is set.
    public var aeTitle: AETitle
    /// Accept a request whatever AE title it calls, for a server that answers under several
    /// names or behind a router that rewrites them.
    public var acceptsAnyCalledAETitle: Bool
    /// The largest P-DATA-TF variable field this side receives, sent in the maximum length
    /// sub-item (PS3.8 D.1); 0 means unlimited.
    public var maximumLength: UInt32
    /// The abstract syntaxes (SOP class UIDs) accepted, with their transfer syntaxes and roles.
    public var abstractSyntaxes: [String: AbstractSyntaxSupport]
    /// Sent in the implementation class UID sub-item (PS3.7 D.3.3.2).
    public var implementationClassUID: String
    /// Sent in the implementation version name sub-item (PS3.7 D.3.3.2): 1–16 characters, or
    /// empty to send no such sub-item.
    public var implementationVersionName: String
    /// How many operations this side performs at once, so how many the requestor may leave
    /// outstanding (PS3.7 D.3.3.3); 0 means unlimited. 1 is synchronous operation.
    public var maximumOperationsPerformed: UInt16
    /// How many operations or sub-operations this side invokes at once, such as the C-STORE
    /// sub-operations of a C-GET (PS3.7 D.3.3.3); 0 means unlimited.
    public var maximumOperationsInvoked: UInt16
    /// Pick the first transfer syntax the requestor proposed that is supported (what DCMTK
    /// and pynetdicom do) rather than the acceptor's own first choice.
    public var preferRequestorTransferSyntaxOrder: Bool
    /// The service-class-application-information answered in a SOP class extended negotiation
    /// sub-item (PS3.7 D.3.3.5), by SOP class UID. An answer is sent only for a SOP class the
    /// request offered one for and that has an accepted presentation context; the bytes must
    /// follow the service class's rules (for query/retrieve, PS3.4 C.5: no byte set to 1 that
    /// the request set to 0, and no longer than the request's).
    public var extendedNegotiation: [String: [UInt8]]

    public init(aeTitle: AETitle, abstractSyntaxes: [String: AbstractSyntaxSupport]) {
        self.aeTitle = aeTitle
        self.acceptsAnyCalledAETitle = false
        self.maximumLength = 262_144
        self.abstractSyntaxes = abstractSyntaxes
        self.implementationClassUID = DICOMFile.implementationClassUID
        self.implementationVersionName = DICOMFile.implementationVersionName
        self.maximumOperationsPerformed = 1
        self.maximumOperationsInvoked = 1
        self.preferRequestorTransferSyntaxOrder = true
        self.extendedNegotiation = [:]
    }
}
