/// A built-in role: what a principal holding it may do, and what it may see of the data.
///
/// Users carry role names (`rampart user add NAME --role R`); a registered AE acts as `modality`
/// unless its registry entry names other roles. A name that is not a built-in role grants
/// nothing. Custom roles come with the policy file.
public enum Role: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case admin
    case radiologist
    case technologist
    case referringPhysician = "referring-physician"
    case researcher
    case auditor
    case modality

    public var description: String { rawValue }

    /// What each role may do with the data, and the view it sees the data through. Opening an
    /// association is not listed: any authenticated principal may associate (and echo), and
    /// each operation on the association is then decided by this table.
    public var permissions: RolePermissions {
        switch self {
        case .admin:              RolePermissions([.store, .query, .retrieve, .delete, .administer], view: .full)
        case .radiologist:        RolePermissions([.store, .query, .retrieve], view: .full)
        case .technologist:       RolePermissions([.store, .query, .retrieve], view: .noIdentifiersBeyondName)
        case .referringPhysician: RolePermissions([.query, .retrieve], view: .full)
        case .researcher:         RolePermissions([.query, .retrieve], view: .deidentified)
        // The auditor reads the audit record, which is not archive data.
        case .auditor:            RolePermissions([], view: .deidentified)
        case .modality:           RolePermissions([.store, .query], view: .full)
        }
    }
}

/// The actions a role allows and the view its data goes out through.
public struct RolePermissions: Sendable, Hashable {
    public let actions: Set<AccessAction>
    public let view: AttributeView

    public init(_ actions: Set<AccessAction>, view: AttributeView) {
        self.actions = actions
        self.view = view
    }
}
