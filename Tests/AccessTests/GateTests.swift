import Access
import Testing

@Suite("Gate")
struct GateTests {
    private let registry = AERegistry([.init(title: "CT1", host: "10.0.0.5", port: 104)])

    private func context(_ principal: Principal, from address: String = "10.0.0.5:40000",
                         authentication: AuthenticationStrength = .none, channel: AccessChannel = .dimse) -> AccessContext {
        AccessContext(principal: principal, channel: channel, peerAddress: address, authentication: authentication)
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
        _ = try await gate.decide(context(.user("alice"), authentication: .password), .retrieve)
        await #expect(throws: AccessDenied.self) { try await gate.decide(context(.user("alice")), .retrieve) }
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
}
