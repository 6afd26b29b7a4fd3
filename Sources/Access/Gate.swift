import Foundation

/// The one place access is decided (DESIGN.md rule 1). Every decision is recorded before it is
/// returned; a decision that cannot be recorded is a denial.
///
/// Two rules, in order: the principal must be authenticated, or be an AE registered for the host
/// it calls from (the secure default); then one of its roles in the policy must allow the action
/// with every condition of that role met in this context, and the grant carries the view of the
/// roles that allow it, the restricted studies they open and the studies their study conditions
/// reach. Opening an association needs only the first rule. An object to store must be inside
/// the studies the grant reaches, and so must the archived study it would join.
public struct Gate: Sendable {
    private let currentRegistry: @Sendable () -> AERegistry
    private let currentPolicy: @Sendable () -> AccessPolicy
    /// The AE registry as it is now (a server reads its file again when it changes).
    public var registry: AERegistry { currentRegistry() }
    /// The policy as it is now (a server reads policy.yaml again when it changes).
    public var policy: AccessPolicy { currentPolicy() }
    public let clock: PolicyClock
    private let recorder: any DecisionRecorder

    public init(registry: AERegistry, policy: AccessPolicy = .builtIn, clock: PolicyClock = PolicyClock(), recorder: any DecisionRecorder) {
        self.init(registry: { registry }, policy: { policy }, clock: clock, recorder: recorder)
    }

    public init(registry: @escaping @Sendable () -> AERegistry, policy: @escaping @Sendable () -> AccessPolicy = { .builtIn },
                clock: PolicyClock = PolicyClock(), recorder: any DecisionRecorder) {
        self.currentRegistry = registry
        self.currentPolicy = policy
        self.clock = clock
        self.recorder = recorder
    }

    /// Decides, records the decision with the `subjects` the request names, and grants or denies.
    public func decide(_ context: AccessContext, _ action: AccessAction, on resource: AccessResource = .archive,
                       concerning subjects: AccessSubjects = .none) async throws(AccessDenied) -> Grant {
        let explanation = explain(context, action, concerning: subjects)
        let decision = GateDecision(context: context, action: action, resource: resource, subjects: subjects, allowed: explanation.allowed,
                                    reason: explanation.reason, brokeTheGlass: explanation.brokeTheGlass)
        let id: DecisionID
        do {
            id = try await recorder.record(decision)
        } catch {
            throw AccessDenied(reason: "the decision could not be recorded (\(error)); nothing is allowed unrecorded", decisionID: DecisionID(0))
        }
        guard explanation.allowed else { throw AccessDenied(reason: explanation.reason, decisionID: id) }
        return Grant(context: context, action: action, resource: resource, view: explanation.view, studies: explanation.studies,
                     brokeTheGlass: explanation.brokeTheGlass, decisionID: id)
    }

    /// The decision `decide` would make now and why, role by role, without recording it or
    /// granting anything: what `rampart policy check` prints. `subjects` matter when they carry
    /// an object to store (`AccessSubjects.object`, `archivedStudy`).
    public func explain(_ context: AccessContext, _ action: AccessAction, at date: Date? = nil,
                        concerning subjects: AccessSubjects = .none) -> GateExplanation {
        // One reading of each file per decision: they may change between two.
        let registry = self.registry
        let policy = self.policy
        let (authenticated, reason) = authentication(of: context, registry)
        guard authenticated else {
            return GateExplanation(allowed: false, reason: "\(context.principal): \(reason)", roles: [])
        }
        if case .localOperator = context.principal {
            // Holding the data folder is holding the archive: the policy does not bind the operator.
            return GateExplanation(allowed: true, reason: reason, view: .full, studies: .everyStudy, roles: [])
        }
        guard action != .associate else {
            return GateExplanation(allowed: true, reason: "\(context.principal): \(reason)", roles: [])
        }
        if let outside = context.scopeDenial(of: action) {
            return GateExplanation(allowed: false, reason: "\(context.principal): \(outside)", roles: [])
        }
        let moment = clock.moment(at: date, in: policy.timeZone)
        let names = roles(of: context, registry)
        let verdicts = names.map { verdict(policy[$0], named: $0, on: action, context, moment, registry) }
        let allowing = verdicts.filter(\.allows).compactMap { policy[$0.role] }
        guard let first = allowing.first else {
            return GateExplanation(allowed: false, reason: "\(context.principal): \(denial(action, names, verdicts, policy))", roles: verdicts)
        }
        let view = allowing.dropFirst().reduce(first.view) { $0.combined(with: $1.view) }
        var because = "\(context.principal): \(reason); role \(first.name) allows \(action)"
        let emergency = context.purposeOfUse == policy.emergencyPurpose
        let breaker = allowing.first(where: \.mayBreakTheGlass)
        let studies: StudyScope
        if emergency, let breaker {
            studies = .everyStudy
            because += "; BREAK-THE-GLASS: purpose \(policy.emergencyPurpose) declared, role \(breaker.name) opens every restricted study"
                + " and lifts every study condition; flagged for review"
        } else {
            // One allowing role without study conditions reaches every study; otherwise a study
            // must be inside the limit of one of them.
            var limits: [StudyDataLimit]? = []
            for role in allowing {
                switch role.dataLimit(for: context) {
                case let .success(limit?): limits?.append(limit)
                case .success(nil): limits = nil
                case .failure: continue  // its verdict did not allow
                }
            }
            studies = StudyScope(openGroups: allowing.reduce(into: Set<String>()) { $0.formUnion($1.accessGroups) }, dataLimits: limits)
            if emergency {
                because += "; purpose \(policy.emergencyPurpose) declared, but no allowing role may break the glass"
            }
        }
        if let object = subjects.object, let outside = studies.dataExclusion(of: object) {
            return GateExplanation(allowed: false, reason: "\(context.principal): the object is outside the studies its roles reach: \(outside)",
                                   roles: verdicts)
        }
        if let archived = subjects.archivedStudy, let outside = studies.dataExclusion(of: archived) {
            return GateExplanation(allowed: false, reason: "\(context.principal): the object's study is archived outside the studies its roles reach: \(outside)",
                                   roles: verdicts)
        }
        return GateExplanation(allowed: true, reason: because, view: view, studies: studies,
                               brokeTheGlass: emergency && breaker != nil, roles: verdicts)
    }

    private func authentication(of context: AccessContext, _ registry: AERegistry) -> (Bool, String) {
        if let failure = context.authenticationFailure {
            return (false, "authentication failed: \(failure)")
        }
        switch context.principal {
        case .anonymous:
            switch context.channel {
            case .dimse: return (false, "not authenticated: register the calling AE (rampart ae add) or send a user identity")
            case .dicomweb, .rest: return (false, "not authenticated: send a bearer token or HTTP Basic credentials")
            case .ui: return (false, "not authenticated: log in")
            case .cli: return (false, "not authenticated")
            }
        case .localOperator:
            return context.channel == .cli ? (true, "local operator at the command line") : (false, "local operator outside the command line")
        case .user:
            return context.authentication >= .password
                ? (true, "user authenticated by \(context.authentication)") : (false, "user not authenticated by a credential")
        case .service:
            return context.authentication >= .apiKey
                ? (true, "service authenticated by \(context.authentication)") : (false, "service not authenticated by its API key")
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

    private func verdict(_ role: RoleDefinition?, named name: String, on action: AccessAction, _ context: AccessContext,
                         _ moment: PolicyClock.Moment, _ registry: AERegistry) -> RoleVerdict {
        guard let role else { return RoleVerdict(role: name, allows: false, why: "is not a role of the policy") }
        guard role.actions.contains(action) else {
            let allowed = AccessAction.allCases.filter(role.actions.contains).map(\.rawValue)
            return RoleVerdict(role: name, allows: false, why: "does not allow \(action) (it allows \(allowed.isEmpty ? "nothing" : allowed.joined(separator: ", ")))")
        }
        let unmet = role.conditions.compactMap { $0.unmet(by: context, at: moment, registry: registry) }
        guard unmet.isEmpty else {
            return RoleVerdict(role: name, allows: false, why: "allows \(action) only when its conditions hold, and \(unmet.joined(separator: "; "))")
        }
        let why = role.conditions.isEmpty ? "allows \(action)" : "allows \(action): \(role.conditions.map(\.description).joined(separator: ", ")) hold"
        switch role.dataLimit(for: context) {
        case let .failure(unmet):
            return RoleVerdict(role: name, allows: false, why: "allows \(action), but \(unmet.reason)")
        case .success(nil):
            return RoleVerdict(role: name, allows: true, why: why)
        case let .success(limit?):
            return RoleVerdict(role: name, allows: true, why: why + "; only on studies \(limit)")
        }
    }

    private func denial(_ action: AccessAction, _ names: [String], _ verdicts: [RoleVerdict], _ policy: AccessPolicy) -> String {
        guard !names.isEmpty else { return "has no role, and \(action) needs a role that allows it" }
        var text = verdicts.map { "role \($0.role) \($0.why)" }.joined(separator: "; ")
        if verdicts.contains(where: { policy[$0.role] == nil }) {
            text += " (the roles of \(policy.source) are \(policy.roleNames.joined(separator: ", ")))"
        }
        return text
    }

    /// The roles the principal acts with.
    private func roles(of context: AccessContext, _ registry: AERegistry) -> [String] {
        switch context.principal {
        case .user, .service: context.roles
        case let .applicationEntity(title): registry[title]?.roles ?? [Role.modality.rawValue]
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

/// What the gate would decide, and why.
public struct GateExplanation: Sendable {
    public let allowed: Bool
    public let reason: String
    public let view: AttributeView
    public let studies: StudyScope
    /// An emergency access: allowed, and flagged for review.
    public let brokeTheGlass: Bool
    /// What each role the principal holds says of the action, in the order it holds them.
    public let roles: [RoleVerdict]

    init(allowed: Bool, reason: String, view: AttributeView = .full, studies: StudyScope = .unrestrictedStudiesOnly,
         brokeTheGlass: Bool = false, roles: [RoleVerdict]) {
        self.allowed = allowed
        self.reason = reason
        self.view = view
        self.studies = studies
        self.brokeTheGlass = brokeTheGlass
        self.roles = roles
    }
}

/// One role's part in a decision.
public struct RoleVerdict: Sendable, Hashable {
    public let role: String
    public let allows: Bool
    public let why: String
}
