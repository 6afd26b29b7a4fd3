import Access

/// The access policy in force as `GET /api/policy` shows it: each role with what it allows,
/// under which conditions, through which view; and the policy file's text (none when the
/// built-in policy holds). What `rampart policy show` prints, as JSON.
public struct PolicyDocument: Encodable, Sendable {
    public struct RoleEntry: Encodable, Sendable, Equatable {
        public var name: String
        public var actions: [String]
        public var view: ViewEntry
        /// The conditions of the access (network, time, authentication, purpose...), in words.
        public var conditions: [String]
        /// The conditions a study must meet for the role to reach it, in words.
        public var studies: [String]
        public var accessGroups: [String]
        public var breakTheGlass: Bool
    }

    /// A view: its name and how much it takes away.
    public struct ViewEntry: Encodable, Sendable, Equatable {
        public var name: String
        public var removed: Int
        public var replaced: Int
        public var removesPrivateAttributes: Bool

        public init(_ view: AttributeView) {
            name = view.name
            // A family of tags ((60xx,3000)) counts as one entry, as the table lists it.
            removed = view.removed.count + view.removedPatterns.count
            replaced = view.replaced.count + view.replacedPatterns.count
            removesPrivateAttributes = view.removesPrivateAttributes
        }
    }

    public var source: String
    public var timeZone: String
    public var emergencyPurpose: String
    public var roles: [RoleEntry]
    public var yaml: String?

    public init(_ policy: AccessPolicy, yaml: String?) {
        source = policy.source
        timeZone = policy.timeZone.identifier
        emergencyPurpose = policy.emergencyPurpose
        roles = policy.roleNames.compactMap { name in
            policy[name].map { role in
                RoleEntry(name: name, actions: AccessAction.allCases.filter(role.actions.contains).map(\.rawValue), view: ViewEntry(role.view),
                          conditions: role.conditions.map(\.description), studies: role.studies.map(\.description),
                          accessGroups: role.accessGroups.sorted(), breakTheGlass: role.mayBreakTheGlass)
            }
        }
        self.yaml = yaml
    }
}
