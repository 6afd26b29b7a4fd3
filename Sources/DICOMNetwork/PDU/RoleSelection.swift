/// The SCP/SCU role selection sub-item (54H) of the user information item (PS3.7 D.3.3.4).
public struct RoleSelection: Sendable, Hashable {
    public var sopClassUID: String
    /// In a request: the requestor proposes to act as SCU. In an answer: the acceptor allows it.
    public var scuRole: Bool
    /// In a request: the requestor proposes to act as SCP. In an answer: the acceptor allows it.
    public var scpRole: Bool

    public init(sopClassUID: String, scuRole: Bool, scpRole: Bool) {
        self.sopClassUID = sopClassUID
        self.scuRole = scuRole
        self.scpRole = scpRole
    }
}
