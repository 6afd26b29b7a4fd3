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
    /// The access groups of restricted studies (`rampart study restrict`) the role sees
    /// without breaking the glass.
    public let accessGroups: Set<String>
    /// Whether a holder who declares the policy's emergency purpose of use sees every restricted
    /// study: allowed, flagged and recorded for review.
    public let mayBreakTheGlass: Bool

    public init(name: String, actions: Set<AccessAction>, view: AttributeView, conditions: [AccessCondition] = [],
                accessGroups: Set<String> = [], mayBreakTheGlass: Bool = false) {
        self.name = name
        self.actions = actions
        self.view = view
        self.conditions = conditions
        self.accessGroups = accessGroups
        self.mayBreakTheGlass = mayBreakTheGlass
    }
}
