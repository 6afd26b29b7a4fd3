/// What the association-acceptor supports for one abstract syntax (a SOP class or meta SOP class).
public struct AbstractSyntaxSupport: Sendable, Hashable {
    /// The transfer syntax UIDs accepted for this abstract syntax, in the acceptor's order of
    /// preference (used when `AcceptorConfiguration.preferRequestorTransferSyntaxOrder` is false).
    public var transferSyntaxes: [String]
    /// Whether the association-requestor may act as SCU for this SOP class: the normal case,
    /// and the default role when no SCP/SCU role selection item is proposed (PS3.7 D.3.3.4).
    public var acceptsSCURoleOfRequestor: Bool
    /// Whether the association-requestor may act as SCP for this SOP class, which it must
    /// propose with a role selection item (PS3.7 D.3.3.4). Needed for the storage
    /// sub-operations of C-GET, sent by the acceptor to the requestor (PS3.4 C.4.3).
    public var acceptsSCPRoleOfRequestor: Bool

    public init(transferSyntaxes: [String], acceptsSCURoleOfRequestor: Bool = true, acceptsSCPRoleOfRequestor: Bool = false) {
        self.transferSyntaxes = transferSyntaxes
        self.acceptsSCURoleOfRequestor = acceptsSCURoleOfRequestor
        self.acceptsSCPRoleOfRequestor = acceptsSCPRoleOfRequestor
    }
}
