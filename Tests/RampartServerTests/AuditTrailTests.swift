import Access
import Audit
import Foundation
import Testing
@testable import RampartServer

/// How a gate decision becomes an audit event, and that the trail records before it answers.
@Suite struct AuditTrailTests {
    private static func decision(_ action: AccessAction, allowed: Bool = true, brokeTheGlass: Bool = false) -> GateDecision {
        let context = AccessContext(principal: .user("alice"), roles: ["radiologist"], channel: .dimse, peerAddress: "10.1.2.3:4000",
                                    callingAETitle: "VIEWER", certificateFingerprint: "ab12", authentication: .token, purposeOfUse: "TREAT")
        return GateDecision(context: context, action: action, resource: .archive,
                            subjects: AccessSubjects(patientIDs: ["PAT-1"], studyUIDs: ["1.2.3"],
                                                     query: AccessQuery(sopClassUID: "1.2.840.10008.5.1.4.1.2.2.1", identifier: [1, 2, 3])),
                            allowed: allowed, reason: "because", brokeTheGlass: brokeTheGlass)
    }

    @Test func eachActionIsItsAuditMessage() {
        let kinds: [AccessAction: AuditEventKind] = [.associate: .userAuthentication, .store: .instancesTransferred, .query: .query,
                                                     .retrieve: .beginTransferring, .delete: .studyDeleted, .administer: .securityAlert]
        for action in AccessAction.allCases {
            #expect(AuditTrail.event(for: Self.decision(action)).kind == kinds[action])
        }
        #expect(AuditTrail.event(for: Self.decision(.associate)).type == .login)
    }

    @Test func theEventCarriesWhoWhereWhatAndWhy() {
        let event = AuditTrail.event(for: Self.decision(.query, allowed: false))
        #expect(event.outcome == .minorFailure)
        #expect(event.actor == AuditActor(kind: "user", name: "alice", roles: ["radiologist"]))
        #expect(event.channel == "dimse")
        #expect(event.source.address == "10.1.2.3:4000")
        #expect(event.source.ip == Array(repeating: 0, count: 10) + [0xFF, 0xFF, 10, 1, 2, 3])
        #expect(event.source.callingAETitle == "VIEWER" && event.source.certificateFingerprint == "ab12")
        #expect(event.patientIDs == ["PAT-1"] && event.studyUIDs == ["1.2.3"])
        #expect(event.subjects.contains(AuditSubject(.query, "1.2.840.10008.5.1.4.1.2.2.1", detail: "AQID")))
        #expect(event.reason == "because" && event.purposeOfUse == "TREAT" && event.action == "query")
    }

    @Test func breakingTheGlassIsAnEmergencyOverride() {
        let event = AuditTrail.event(for: Self.decision(.retrieve, brokeTheGlass: true))
        #expect(event.brokeTheGlass && event.type == .emergencyOverrideStarted)
    }

    @Test func theGateRecordsBeforeItGrantsAndTheDecisionIDIsTheRecord() async throws {
        let folder = NSTemporaryDirectory() + "trail-\(UUID().uuidString)"
        let trail = try AuditTrail(dataDirectory: folder)
        let gate = Gate(registry: AERegistry(), recorder: trail)
        let context = AccessContext(principal: .localOperator, channel: .cli, peerAddress: "local", authentication: .none)
        let grant = try await gate.decide(context, .store)
        let recorded = try trail.store.events(after: 0, limit: 10)
        #expect(recorded.map(\.sequence) == [grant.decisionID.value])
        #expect(recorded.first?.event.actor.kind == "operator")
        #expect(FileManager.default.fileExists(atPath: folder + "/" + AuditSigningKeyFile.relativePath))
    }
}
