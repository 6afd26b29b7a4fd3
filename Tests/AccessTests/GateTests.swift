import Access
import DICOM
import Foundation
import Testing

private typealias Tag = DICOM.Tag

@Suite("Gate")
struct GateTests {
    private let registry = AERegistry([.init(title: "CT1", host: "10.0.0.5", port: 104)])

    private func context(_ principal: Principal, roles: [String] = [], from address: String = "10.0.0.5:40000",
                         authentication: AuthenticationStrength = .none, channel: AccessChannel = .dimse) -> AccessContext {
        AccessContext(principal: principal, roles: roles, channel: channel, peerAddress: address, authentication: authentication)
    }

    @Test func deniesAnonymousAndRecordsTheDenial() async throws {
        let recorder = MemoryDecisionRecorder()
        let gate = Gate(registry: registry, recorder: recorder)
        await #expect(throws: AccessDenied.self) { try await gate.decide(context(.anonymous), .store) }
        #expect(recorder.recorded.count == 1)
        #expect(recorder.recorded.first?.allowed == false)
    }

    @Test func allowsARegisteredAEFromItsHostAndTheGrantNamesTheRecordedDecision() async throws {
        let recorder = MemoryDecisionRecorder()
        let gate = Gate(registry: registry, recorder: recorder)
        let grant = try await gate.decide(context(.applicationEntity("CT1"), authentication: .registeredAE), .store)
        #expect(grant.action == .store)
        #expect(grant.decisionID == DecisionID(1))
        #expect(recorder.recorded.first?.allowed == true)
    }

    @Test func deniesARegisteredAEFromAnotherHost() async throws {
        let gate = Gate(registry: registry, recorder: MemoryDecisionRecorder())
        do {
            _ = try await gate.decide(context(.applicationEntity("CT1"), from: "10.0.0.9:5000"), .store)
            Issue.record("allowed from the wrong host")
        } catch {
            #expect(error.reason.contains("10.0.0.9"))
        }
    }

    @Test func deniesAnUnregisteredAE() async throws {
        let gate = Gate(registry: registry, recorder: MemoryDecisionRecorder())
        await #expect(throws: AccessDenied.self) { try await gate.decide(context(.applicationEntity("MR9")), .query) }
    }

    @Test func allowsAPasswordAuthenticatedUserButNotAnUnauthenticatedOne() async throws {
        let gate = Gate(registry: registry, recorder: MemoryDecisionRecorder())
        _ = try await gate.decide(context(.user("alice"), roles: ["radiologist"], authentication: .password), .retrieve)
        await #expect(throws: AccessDenied.self) { try await gate.decide(context(.user("alice"), roles: ["radiologist"]), .retrieve) }
    }

    @Test func deniesWhenTheDecisionCannotBeRecorded() async throws {
        struct FailingRecorder: DecisionRecorder {
            struct Full: Error {}
            func record(_ decision: GateDecision) async throws -> DecisionID { throw Full() }
        }
        let gate = Gate(registry: registry, recorder: FailingRecorder())
        await #expect(throws: AccessDenied.self) {
            try await gate.decide(context(.applicationEntity("CT1"), authentication: .registeredAE), .store)
        }
    }

    @Test func localOperatorOnlyAtTheCommandLine() async throws {
        let gate = Gate(registry: registry, recorder: MemoryDecisionRecorder())
        _ = try await gate.decide(context(.localOperator, from: "local", channel: .cli), .administer)
        await #expect(throws: AccessDenied.self) { try await gate.decide(context(.localOperator), .administer) }
    }

    /// Every built-in role × data action, expected from the role table: a user holding the role
    /// is allowed exactly the table's actions, with the role's view, and a denial names both.
    @Test(arguments: Role.allCases, AccessAction.allCases.filter { $0 != .associate })
    func decidesEachRoleAndActionByTheTable(role: Role, action: AccessAction) async throws {
        let recorder = MemoryDecisionRecorder()
        let gate = Gate(registry: registry, recorder: recorder)
        let request = context(.user("u"), roles: [role.rawValue], authentication: .password)
        do {
            let grant = try await gate.decide(request, action)
            #expect(role.definition.actions.contains(action))
            #expect(grant.view == role.definition.view)
        } catch {
            #expect(!role.definition.actions.contains(action))
            #expect(error.reason.contains("role \(role.rawValue) does not allow \(action.rawValue)"))
        }
        #expect(recorder.recorded.count == 1)
        #expect(recorder.recorded.first?.allowed == role.definition.actions.contains(action))
    }

    @Test(arguments: Role.allCases)
    func everyRoleMayAssociate(role: Role) async throws {
        let gate = Gate(registry: registry, recorder: MemoryDecisionRecorder())
        _ = try await gate.decide(context(.user("u"), roles: [role.rawValue], authentication: .password), .associate)
    }

    @Test func aUserWithoutARoleOrWithAnUnknownOneMayNotQuery() async throws {
        let gate = Gate(registry: registry, recorder: MemoryDecisionRecorder())
        do {
            _ = try await gate.decide(context(.user("u"), authentication: .password), .query)
            Issue.record("a user without a role was allowed to query")
        } catch {
            #expect(error.reason.contains("has no role"))
        }
        do {
            _ = try await gate.decide(context(.user("u"), roles: ["superuser"], authentication: .password), .query)
            Issue.record("an unknown role was allowed to query")
        } catch {
            #expect(error.reason.contains("superuser is not a role"))
        }
    }

    @Test func aRegisteredAEActsAsModalityUnlessItsEntryNamesRoles() async throws {
        let registry = AERegistry([.init(title: "CT1", host: "10.0.0.5", port: 104),
                                   .init(title: "WS1", host: "10.0.0.5", port: 104, roles: ["radiologist"])])
        let gate = Gate(registry: registry, recorder: MemoryDecisionRecorder())
        _ = try await gate.decide(context(.applicationEntity("CT1"), authentication: .registeredAE), .query)
        do {
            _ = try await gate.decide(context(.applicationEntity("CT1"), authentication: .registeredAE), .retrieve)
            Issue.record("a modality was allowed to retrieve")
        } catch {
            #expect(error.reason.contains("role modality does not allow retrieve"))
        }
        _ = try await gate.decide(context(.applicationEntity("WS1"), authentication: .registeredAE), .retrieve)
    }

    @Test func severalRolesAllowTheUnionAndSeeTheCombinedView() async throws {
        let gate = Gate(registry: registry, recorder: MemoryDecisionRecorder())
        let both = context(.user("u"), roles: ["researcher", "technologist"], authentication: .password)
        _ = try await gate.decide(both, .store)
        let grant = try await gate.decide(both, .retrieve)
        #expect(grant.view.hides(Tag(0x0010, 0x1000)))  // both hide Other Patient IDs
        #expect(!grant.view.hides(Tag(0x0010, 0x0010)))  // the technologist sees the name
    }

    @Test func anAERegistryWithoutRolesStillDecodes() throws {
        let json = #"[{"title":"CT1","host":"10.0.0.5","port":104}]"#
        let entries = try JSONDecoder().decode([AERegistry.Entry].self, from: Data(json.utf8))
        #expect(entries.first?.roles == nil)
    }
}
