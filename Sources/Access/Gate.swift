/// The one place access is decided (DESIGN.md rule 1). Every decision is recorded before it is
/// returned; a decision that cannot be recorded is a denial.
///
/// The rule today is the baseline of the secure default: a principal must be authenticated, or
/// be an AE registered for the host it calls from. Roles and attribute-level policy come with
/// the security issue and plug in here.
public struct Gate: Sendable {
    public let registry: AERegistry
    private let recorder: any DecisionRecorder

    public init(registry: AERegistry, recorder: any DecisionRecorder) {
        self.registry = registry
        self.recorder = recorder
    }

    public func decide(_ context: AccessContext, _ action: AccessAction, on resource: AccessResource = .archive) async throws(AccessDenied) -> Grant {
        let (allowed, reason) = evaluate(context)
        let decision = GateDecision(context: context, action: action, resource: resource, allowed: allowed, reason: reason)
        let id: DecisionID
        do {
            id = try await recorder.record(decision)
        } catch {
            throw AccessDenied(reason: "the decision could not be recorded (\(error)); nothing is allowed unrecorded", decisionID: DecisionID(0))
        }
        guard allowed else { throw AccessDenied(reason: reason, decisionID: id) }
        return Grant(context: context, action: action, resource: resource, decisionID: id)
    }

    private func evaluate(_ context: AccessContext) -> (Bool, String) {
        if let failure = context.authenticationFailure {
            return (false, "authentication failed: \(failure)")
        }
        switch context.principal {
        case .anonymous:
            return (false, "not authenticated: register the calling AE (rampart ae add) or send a user identity")
        case .localOperator:
            return context.channel == .cli ? (true, "local operator at the command line") : (false, "local operator outside the command line")
        case .user:
            return context.authentication >= .password ? (true, "authenticated user") : (false, "user not authenticated by a credential")
        case let .applicationEntity(title):
            guard let entry = registry[title] else {
                return (false, "calling AE title \(title) is not registered")
            }
            let host = Self.host(of: context.peerAddress)
            guard host == entry.host else {
                return (false, "AE \(title) is registered for host \(entry.host), but called from \(host)")
            }
            return (true, "registered AE from its registered host")
        }
    }

    /// "ip:port" or "[ipv6]:port" to the address alone.
    public static func host(of address: String) -> String {
        if address.hasPrefix("["), let end = address.firstIndex(of: "]") {
            return String(address[address.index(after: address.startIndex)..<end])
        }
        if let colon = address.lastIndex(of: ":"), address.filter({ $0 == ":" }).count == 1 {
            return String(address[..<colon])
        }
        return address
    }
}
