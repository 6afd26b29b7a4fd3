/// The gate said no, with a reason an operator can act on. The peer gets only a status.
public struct AccessDenied: Error, Sendable, Hashable, CustomStringConvertible {
    public let reason: String
    public let decisionID: DecisionID

    public var description: String { "access denied: \(reason)" }
}
