/// A presentation context both sides agreed on (PS3.8 9.3.3.2), with the roles the
/// association-requestor may take on it (PS3.7 D.3.3.4).
public struct AcceptedPresentationContext: Sendable, Hashable {
    /// The odd ID the requestor gave it (PS3.8 9.3.2.2), sent in each P-DATA-TF value.
    public var id: UInt8
    public var abstractSyntax: String
    /// The one transfer syntax accepted (PS3.8 7.1.1.14).
    public var transferSyntax: String
    /// Whether the association-requestor may act as SCU on this context (PS3.7 D.3.3.4;
    /// the default when no role selection was negotiated).
    public var requestorIsSCU: Bool
    /// Whether the association-requestor may act as SCP on this context, as for the C-STORE
    /// sub-operations of a C-GET (PS3.7 D.3.3.4; false by default).
    public var requestorIsSCP: Bool

    public init(id: UInt8, abstractSyntax: String, transferSyntax: String, requestorIsSCU: Bool = true, requestorIsSCP: Bool = false) {
        self.id = id
        self.abstractSyntax = abstractSyntax
        self.transferSyntax = transferSyntax
        self.requestorIsSCU = requestorIsSCU
        self.requestorIsSCP = requestorIsSCP
    }

    /// Whether the association-acceptor may act as SCU on this context: it is when the
    /// requestor is SCP (PS3.7 D.3.3.4).
    public var acceptorIsSCU: Bool { requestorIsSCP }
    /// Whether the association-acceptor may act as SCP on this context: it is when the
    /// requestor is SCU (PS3.7 D.3.3.4).
    public var acceptorIsSCP: Bool { requestorIsSCU }
}
