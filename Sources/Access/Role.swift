/// The built-in roles: the policy every site starts with (`AccessPolicy.builtIn`). A policy
/// file may change any of them and add its own.
///
/// Users carry role names (`rampart user add NAME --role R`); a registered AE acts as `modality`
/// unless its registry entry names other roles.
public enum Role: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case admin
    case radiologist
    case technologist
    case referringPhysician = "referring-physician"
    case researcher
    case auditor
    case modality
    /// A metrics scraper (Prometheus): the server's counts and timings, nothing else.
    case monitoring

    public var description: String { rawValue }

    /// What each role may do with the data, and the view it sees the data through, with no
    /// condition on the context. Radiologists and referring physicians may break the glass:
    /// they are the ones an emergency needs.
    public var definition: RoleDefinition {
        switch self {
        case .admin:              RoleDefinition(name: rawValue, actions: [.store, .query, .retrieve, .delete, .administer, .audit, .monitor], view: .full)
        case .radiologist:        RoleDefinition(name: rawValue, actions: [.store, .query, .retrieve], view: .full, mayBreakTheGlass: true)
        case .technologist:       RoleDefinition(name: rawValue, actions: [.store, .query, .retrieve], view: .noIdentifiersBeyondName)
        case .referringPhysician: RoleDefinition(name: rawValue, actions: [.query, .retrieve], view: .full, mayBreakTheGlass: true)
        case .researcher:         RoleDefinition(name: rawValue, actions: [.query, .retrieve], view: .deidentified)
        // The auditor reads the audit log, and no archive data.
        case .auditor:            RoleDefinition(name: rawValue, actions: [.audit], view: .deidentified)
        case .modality:           RoleDefinition(name: rawValue, actions: [.store, .query], view: .full)
        case .monitoring:         RoleDefinition(name: rawValue, actions: [.monitor], view: .deidentified)
        }
    }
}
