import Access
import Testing

@Suite("Role")
struct RoleTests {
    /// The table written out again: changing what a role may do must change this test too.
    @Test func eachRoleAllowsTheActionsOfTheTable() {
        let expected: [Role: Set<AccessAction>] = [
            .admin: [.store, .query, .retrieve, .delete, .administer, .audit, .monitor],
            .radiologist: [.store, .query, .retrieve],
            .technologist: [.store, .query, .retrieve],
            .referringPhysician: [.query, .retrieve],
            .researcher: [.query, .retrieve],
            .auditor: [.audit],
            .modality: [.store, .query],
            .monitoring: [.monitor],
        ]
        for role in Role.allCases {
            #expect(role.definition.actions == expected[role], "\(role)")
        }
    }

    @Test func eachRoleSeesTheDataThroughItsView() {
        #expect(Role.admin.definition.view == .full)
        #expect(Role.radiologist.definition.view == .full)
        #expect(Role.referringPhysician.definition.view == .full)
        #expect(Role.modality.definition.view == .full)
        #expect(Role.technologist.definition.view == .noIdentifiersBeyondName)
        #expect(Role.researcher.definition.view == .deidentified)
    }

    @Test func rolesAreNamedAsOperatorsTypeThem() {
        #expect(Role(rawValue: "referring-physician") == .referringPhysician)
        #expect(Role.allCases.map(\.rawValue) == ["admin", "radiologist", "technologist", "referring-physician", "researcher", "auditor", "modality", "monitoring"])
    }
}
