/// What a role allows, under which conditions, and what its holder sees: one entry of the
/// access policy (`AccessPolicy`), built in (`Role`) or written in the policy file.
public struct RoleDefinition: Sendable, Hashable {
    public let name: String
    /// What the role may do. Opening an association is not listed: any authenticated principal
    /// may associate (and echo), and each operation on it is then decided by the roles.
    public let actions: Set<AccessAction>
    /// The view its holder sees the data through.
    public let view: AttributeView
    /// Every condition must hold for the role to allow anything.
    public let conditions: [AccessCondition]
    /// Every condition must hold of a study for the role to reach it (none: every study).
    public let studies: [StudyCondition]
    /// The access groups of restricted studies (`rampart study restrict`) the role sees
    /// without breaking the glass.
    public let accessGroups: Set<String>
    /// Whether a holder who declares the policy's emergency purpose of use sees every restricted
    /// study: allowed, flagged and recorded for review.
    public let mayBreakTheGlass: Bool

    public init(name: String, actions: Set<AccessAction>, view: AttributeView, conditions: [AccessCondition] = [],
                studies: [StudyCondition] = [], accessGroups: Set<String> = [], mayBreakTheGlass: Bool = false) {
        self.name = name
        self.actions = actions
        self.view = view
        self.conditions = conditions
        self.studies = studies
        self.accessGroups = accessGroups
        self.mayBreakTheGlass = mayBreakTheGlass
    }
}

extension RoleDefinition {
    /// The studies the role reaches for `context`'s principal, nil when it has no study
    /// condition; or why it reaches none (a `referredByPrincipal` condition for a principal
    /// without a person name).
    func dataLimit(for context: AccessContext) -> Result<StudyDataLimit?, StudyConditionUnmet> {
        guard !studies.isEmpty else { return .success(nil) }
        var institutions: Set<String>?
        var physician: PersonNameKey?
        for condition in studies {
            switch condition {
            case let .institutions(names):
                institutions = institutions.map { $0.intersection(names) } ?? names
            case .referredByPrincipal:
                guard let name = context.personName.map(PersonNameKey.init), !name.value.isEmpty else {
                    return .failure(StudyConditionUnmet(reason: "reaches only the studies its holder referred, and \(context.principal) has no person name"
                        + " (rampart user person-name NAME 'Family^Given')"))
                }
                physician = name
            }
        }
        return .success(StudyDataLimit(institutions: institutions, referringPhysician: physician))
    }
}
