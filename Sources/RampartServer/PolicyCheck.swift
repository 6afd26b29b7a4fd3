import Access

/// What the gate would decide for a `PolicyQuestion` with the data folder's files as they are
/// (policy.yaml, the AE registry, the user and service accounts), role by role, without
/// granting or recording anything: `rampart policy check` prints it, `POST /api/policy/explain`
/// answers it.
public struct PolicyCheck: Sendable {
    public let context: AccessContext
    public let explanation: GateExplanation
    /// What the files do not say (an unknown user, say).
    public let notes: [String]
    /// Where the policy comes from (its file, or the built-in policy).
    public let policySource: String
    /// The moment decided at, in the policy's time zone.
    public let moment: PolicyClock.Moment

    public init(_ question: PolicyQuestion, dataDirectory: String) throws(ServerSetupError) {
        let policy = try SitePolicy.load(dataDirectory: dataDirectory)
        let registry = try AERegistryFile(dataDirectory: dataDirectory).load()
        let users = try AccountsFile(dataDirectory: dataDirectory).load()
        let services = try ServiceAccountsFile(dataDirectory: dataDirectory).load()
        let (context, subjects, notes) = question.context(users: users, services: services, registry: registry)
        // A simulation: nothing is granted, so nothing needs recording.
        let gate = Gate(registry: registry, policy: policy, recorder: MemoryDecisionRecorder())
        self.context = context
        self.notes = notes
        explanation = gate.explain(context, question.action, at: question.at, concerning: subjects)
        policySource = policy.source
        moment = gate.clock.moment(at: question.at, in: policy.timeZone)
    }
}
