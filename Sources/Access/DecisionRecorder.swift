import Synchronization

/// Where the gate records each decision before it takes effect (DESIGN.md rule 2). The Audit
/// target provides the durable one; if recording fails, the access fails.
public protocol DecisionRecorder: Sendable {
    func record(_ decision: GateDecision) async throws -> DecisionID
}

/// One decision, allowed or denied, with what it was about.
public struct GateDecision: Sendable, Hashable {
    public var context: AccessContext
    public var action: AccessAction
    public var resource: AccessResource
    /// The patients, studies and query the request names.
    public var subjects: AccessSubjects = .none
    public var allowed: Bool
    public var reason: String
    /// An emergency access ("break the glass"): allowed, and to be reviewed.
    public var brokeTheGlass: Bool = false

    /// A record of a decision, not a permission: only the gate makes a `Grant`.
    public init(context: AccessContext, action: AccessAction, resource: AccessResource, subjects: AccessSubjects = .none,
                allowed: Bool, reason: String, brokeTheGlass: Bool = false) {
        self.context = context
        self.action = action
        self.resource = resource
        self.subjects = subjects
        self.allowed = allowed
        self.reason = reason
        self.brokeTheGlass = brokeTheGlass
    }
}

/// Keeps decisions in memory: for tests and for tools that run without an audit log.
public final class MemoryDecisionRecorder: DecisionRecorder {
    private let decisions = Mutex<[GateDecision]>([])

    public init() {}

    public func record(_ decision: GateDecision) async throws -> DecisionID {
        decisions.withLock {
            $0.append(decision)
            return DecisionID(UInt64($0.count))
        }
    }

    public var recorded: [GateDecision] { decisions.withLock { $0 } }
}
