/// The one place access is decided (DESIGN.md rule 1). Every decision is recorded before it is
/// returned; a decision that cannot be recorded is a denial.
///
/// Two rules, in order: the principal must be authenticated, or be an AE registered for the host
/// it calls from (the secure default); then one of its roles must allow the action (`Role`),
/// and the grant carries the view of the roles that allow it. Opening an association needs
/// only the first rule.
public struct Gate: Sendable {
    private let currentRegistry: @Sendable () -> AERegistry
    /// The AE registry as it is now (a server reads its file again when it changes).
    public var registry: AERegistry { currentRegistry() }
    private let recorder: any DecisionRecorder

    public init(registry: AERegistry, recorder: any DecisionRecorder) {
        self.init(registry: { registry }, recorder: recorder)
    }

    public init(registry: @escaping @Sendable () -> AERegistry, recorder: any DecisionRecorder) {
        self.currentRegistry = registry
        self.recorder = recorder
    }

    public func decide(_ context: AccessContext, _ action: AccessAction, on resource: AccessResource = .archive) async throws(AccessDenied) -> Grant {
        // One reading of the registry per decision: the file may change between two.
        let registry = self.registry
        var (allowed, reason) = evaluate(context, registry)
        var view = AttributeView.full
        if allowed, action != .associate {
            switch authorize(action, roles: roles(of: context, registry)) {
            case let .allowed(by, roleView):
                reason += "; role \(by) allows \(action)"
                view = roleView
            case let .denied(why):
                allowed = false
                reason = "\(context.principal): \(why)"
            }
        }
        let decision = GateDecision(context: context, action: action, resource: resource, allowed: allowed, reason: reason)
        let id: DecisionID
        do {
            id = try await recorder.record(decision)
        } catch {
            throw AccessDenied(reason: "the decision could not be recorded (\(error)); nothing is allowed unrecorded", decisionID: DecisionID(0))
        }
        guard allowed else { throw AccessDenied(reason: reason, decisionID: id) }
        return Grant(context: context, action: action, resource: resource, view: view, decisionID: id)
    }

    private func evaluate(_ context: AccessContext, _ registry: AERegistry) -> (Bool, String) {
        if let failure = context.authenticationFailure {
            return (false, "authentication failed: \(failure)")
        }
        switch context.principal {
        case .anonymous:
            return (false, "not authenticated: register the calling AE (rampart ae add) or send a user identity")
        case .localOperator:
            return context.channel == .cli ? (true, "local operator at the command line") : (false, "local operator outside the command line")
        case .user:
            return context.authentication >= .password
                ? (true, "user authenticated by \(context.authentication)") : (false, "user not authenticated by a credential")
        case let .applicationEntity(title):
            guard let entry = registry[title] else {
                return (false, "calling AE title \(title) is not registered")
            }
            let admission = entry.admission(host: Self.host(of: context.peerAddress), certificateFingerprint: context.certificateFingerprint)
            guard admission.allowed else { return (false, admission.reason) }
            // The context must not claim more than the registry proves: a policy may trust a
            // certificate more than a host.
            guard context.authentication <= admission.strength else {
                return (false, "AE \(title) claims \(context.authentication) authentication, but the AE registry proves only \(admission.strength)")
            }
            return (true, admission.reason)
        }
    }

    private enum Authorization {
        case allowed(by: Role, view: AttributeView)
        case denied(String)
    }

    /// Whether any of `roles` allows `action`, and the view of those that do (combined, when
    /// several do: either role alone would show what the other hides).
    private func authorize(_ action: AccessAction, roles: [String]) -> Authorization {
        let allowing = roles.compactMap(Role.init(rawValue:)).filter { $0.permissions.actions.contains(action) }
        guard let first = allowing.first else {
            guard !roles.isEmpty else { return .denied("has no role, and \(action) needs a role that allows it") }
            let unknown = roles.filter { Role(rawValue: $0) == nil }
            let note = unknown.isEmpty ? "" : " (\(unknown.joined(separator: ", ")) \(unknown.count == 1 ? "is not a role" : "are not roles"): "
                + "the roles are \(Role.allCases.map(\.rawValue).joined(separator: ", ")))"
            return .denied("\(roles.count == 1 ? "role" : "roles") \(roles.joined(separator: ", ")) \(roles.count == 1 ? "does" : "do") not allow \(action)\(note)")
        }
        let view = allowing.dropFirst().reduce(first.permissions.view) { $0.combined(with: $1.permissions.view) }
        return .allowed(by: first, view: view)
    }

    /// The roles the principal acts with.
    private func roles(of context: AccessContext, _ registry: AERegistry) -> [String] {
        switch context.principal {
        case .user: context.roles
        case let .applicationEntity(title): registry[title]?.roles ?? [Role.modality.rawValue]
        // Holding the data folder is holding the archive.
        case .localOperator: [Role.admin.rawValue]
        case .anonymous: []
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
