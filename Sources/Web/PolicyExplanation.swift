import Access

/// `POST /api/policy/explain`'s request: `rampart policy check`'s options, by the same names.
public struct PolicyExplainRequest: Decodable, Sendable {
    public var user: String?
    public var ae: String?
    public var service: String?
    public var roles: [String]?
    public var action: String
    public var channel: String?
    public var from: String?
    public var auth: String?
    public var purpose: String?
    public var certificateSHA256: String?
    public var at: String?
    public var personName: String?
    public var institution: String?
    public var referringPhysician: String?

    /// The question, read as the command line reads it; a bad word is the caller's to fix (400).
    func question() throws(WebProblem) -> PolicyQuestion {
        do {
            return try PolicyQuestion(user: user.nonEmpty, ae: ae.nonEmpty, service: service.nonEmpty, roles: roles ?? [], action: action,
                                      channel: channel.nonEmpty ?? "dimse", from: from.nonEmpty, authentication: auth.nonEmpty,
                                      purposeOfUse: purpose.nonEmpty, certificateSHA256: certificateSHA256.nonEmpty, at: at.nonEmpty,
                                      personName: personName.nonEmpty, institution: institution.nonEmpty,
                                      referringPhysician: referringPhysician.nonEmpty)
        } catch {
            throw WebProblem(.badRequest, error.description)
        }
    }
}

/// An empty form field is a field not given.
private extension Optional<String> {
    var nonEmpty: String? { self.flatMap { $0.isEmpty ? nil : $0 } }
}

/// What the gate would decide for a `PolicyExplainRequest`, and why, role by role: what
/// `rampart policy check` prints, as JSON.
public struct PolicyExplanation: Encodable, Sendable {
    public struct Verdict: Encodable, Sendable {
        public var role: String
        public var allows: Bool
        public var why: String
    }

    public var allowed: Bool
    /// "user alice retrieve via dicomweb from 10.0.0.7".
    public var access: String
    public var reason: String
    public var roles: [Verdict]
    /// When allowed: the view the data would be seen through, and the studies reached.
    public var view: PolicyDocument.ViewEntry?
    public var studies: String?
    public var brokeTheGlass: Bool
    public var notes: [String]
    public var policy: String
    /// The moment decided at, in the policy's time zone.
    public var at: String

    public init(_ explanation: GateExplanation, context: AccessContext, action: AccessAction, notes: [String], policy: String, at: String) {
        allowed = explanation.allowed
        access = "\(context.principal) \(action.rawValue) via \(context.channel.rawValue) from \(Gate.host(of: context.peerAddress))"
        reason = explanation.reason
        roles = explanation.roles.map { Verdict(role: $0.role, allows: $0.allows, why: $0.why) }
        view = explanation.allowed ? PolicyDocument.ViewEntry(explanation.view) : nil
        studies = explanation.allowed ? explanation.studies.description : nil
        brokeTheGlass = explanation.brokeTheGlass
        self.notes = notes
        self.policy = policy
        self.at = at
    }
}
