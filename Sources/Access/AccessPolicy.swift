import Foundation

/// The roles of a site and the emergency rule: what the gate decides by. The built-in policy is
/// the seven `Role`s; a policy file (`policy.yaml` in the data folder) changes them and adds its
/// own roles and views.
public struct AccessPolicy: Sendable, Hashable {
    public private(set) var roles: [String: RoleDefinition]
    /// The purpose of use that breaks the glass: declared by a holder of a role that may, it
    /// opens every restricted study, and the decision is flagged for review.
    public var emergencyPurpose: String
    /// The time zone of the policy's hours and weekdays (the server's, unless the file names one).
    public var timeZone: TimeZone
    /// Where the policy came from, for explanations ("built in", or a file's path).
    public var source: String

    public init(roles: [RoleDefinition], emergencyPurpose: String = AccessPolicy.defaultEmergencyPurpose, timeZone: TimeZone = .current,
                source: String) {
        self.timeZone = timeZone
        self.roles = Dictionary(roles.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        self.emergencyPurpose = emergencyPurpose
        self.source = source
    }

    /// HL7 PurposeOfUse "ETREAT", emergency treatment: the code IHE profiles carry for it.
    public static let defaultEmergencyPurpose = "ETREAT"

    public static let builtIn = AccessPolicy(roles: Role.allCases.map(\.definition), source: "the built-in policy")

    /// Adds `role`, or replaces the role of that name.
    public mutating func define(_ role: RoleDefinition) { roles[role.name] = role }

    /// Every role whose view has `view`'s name sees the data through `view` instead: how the
    /// server puts in the views it builds from tables Access does not know (the deidentified
    /// view, from PS3.15 Table E.1-1).
    public mutating func use(_ view: AttributeView) {
        for (name, role) in roles where role.view.name == view.name && role.view != view {
            roles[name] = RoleDefinition(name: role.name, actions: role.actions, view: view, conditions: role.conditions, studies: role.studies,
                                         accessGroups: role.accessGroups, mayBreakTheGlass: role.mayBreakTheGlass)
        }
    }

    public subscript(role: String) -> RoleDefinition? { roles[role] }

    /// The role names, built-in ones first in their usual order, then the site's own.
    public var roleNames: [String] {
        let builtIn = Role.allCases.map(\.rawValue).filter { roles[$0] != nil }
        return builtIn + roles.keys.filter { Role(rawValue: $0) == nil }.sorted()
    }
}
