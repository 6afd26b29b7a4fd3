import Access
import Audit
import DICOMNetwork
import Foundation
import Testing
import Logs
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
                                                     .retrieve: .beginTransferring, .delete: .studyDeleted, .administer: .securityAlert,
                                                     .audit: .auditLogUsed, .monitor: .securityAlert]
        for action in AccessAction.allCases {
            #expect(AuditTrail.event(for: Self.decision(action)).kind == kinds[action])
        }
        #expect(AuditTrail.event(for: Self.decision(.associate)).type == .login)
        #expect(AuditTrail.event(for: Self.decision(.monitor)).type == .useOfRestrictedFunction)
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

    private static func trail() throws -> AuditTrail {
        try AuditTrail(dataDirectory: NSTemporaryDirectory() + "trail-\(UUID().uuidString)")
    }

    @Test func aMoveNamesItsDestinationInTheDecision() {
        var decision = Self.decision(.retrieve)
        decision.subjects.destination = AccessDestination(aeTitle: "ARCHIVE2", host: "10.9.8.7", port: 11112)
        #expect(AuditTrail.event(for: decision).destination == AuditDestination(aeTitle: "ARCHIVE2", host: "10.9.8.7", port: 11112))
        #expect(AuditTrail.event(for: Self.decision(.retrieve)).destination == nil)
    }

    /// A retrieve by Study Instance UID alone: the decision names the study, the record that
    /// follows it (before anything is sent) names the patient the listed instances show.
    @Test func theRecordAfterARetrieveNamesThePatientsTheDecisionCouldNot() async throws {
        let trail = try Self.trail()
        let gate = Gate(registry: AERegistry(), recorder: trail)
        let context = AccessContext(principal: .localOperator, channel: .cli, peerAddress: "local", authentication: .none)
        let destination = AccessDestination(aeTitle: "ARCHIVE2", host: "127.0.0.1", port: 11112)
        let grant = try await gate.decide(context, .retrieve, concerning: AccessSubjects(studyUIDs: ["1.2.3"], destination: destination))
        try trail.disclosed(.instancesTransferred, [("PAT-9", "1.2.3"), ("PAT-9", "1.2.3")], items: "instances", grant: grant,
                            destination: AuditTrail.destination(destination))
        let recorded = try trail.store.events(after: 0, limit: 10)
        #expect(recorded.count == 2)
        #expect(recorded.first?.event.patientIDs == [] && recorded.first?.event.kind == .beginTransferring)
        let disclosure = try #require(recorded.last?.event)
        #expect(disclosure.patientIDs == ["PAT-9"] && disclosure.follows == grant.decisionID.value)
        #expect(disclosure.subjects.contains(AuditSubject(.study, "1.2.3", detail: "2 instances")))
        #expect(disclosure.destination?.aeTitle == "ARCHIVE2" && recorded.first?.event.destination?.aeTitle == "ARCHIVE2")
    }

    @Test func refusedAssociationsAreOneAlertPerHostAndLimitAMinuteWithTheirCount() throws {
        let trail = try Self.trail()
        let alerts = ConnectionAlerts(audit: trail, window: 60, log: .discarding)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let perHost = AssociationLimiter.Refusal.associationsPerHost(limit: 2, host: "10.1.2.3")
        for n in 0..<50 { alerts.refused(peer: AssociationPeer(address: "10.1.2.3:\(40000 + n)"), refusal: perHost, at: start + Double(n) / 10) }
        alerts.refused(peer: AssociationPeer(address: "10.1.2.4:5000"), refusal: .associationsPerHost(limit: 2, host: "10.1.2.4"), at: start)
        alerts.recordDue(at: start + 30)
        #expect(try trail.store.events(after: 0, limit: 100).count == 2)
        alerts.recordDue(at: start + 61)
        let events = try trail.store.events(after: 0, limit: 100).map(\.event)
        #expect(events.map(\.occurrences) == [1, 1, 49])
        #expect(events.map(\.source.address) == ["10.1.2.3", "10.1.2.4", "10.1.2.3"])
        let last = try #require(events.last)
        #expect(last.kind == .securityAlert && last.type == .associationLimitExceeded && last.outcome == .minorFailure)
        #expect(last.source.ip == Array(repeating: 0, count: 10) + [0xFF, 0xFF, 10, 1, 2, 3])
        #expect(last.reason.hasPrefix("49 associations from 10.1.2.3 refused since ") && last.reason.contains("(max_associations_per_host)"))
        alerts.refused(peer: AssociationPeer(address: "10.1.2.3:1"), refusal: perHost, at: start + 62)
        alerts.recordPending(at: start + 63)
        #expect(try trail.store.events(after: 0, limit: 100).map(\.event.occurrences) == [1, 1, 49, 1])
    }

    @Test func protocolViolationsAreOneAlertPerHostAMinuteWithTheLatestDetail() throws {
        let trail = try Self.trail()
        let alerts = ConnectionAlerts(audit: trail, window: 60, log: .discarding)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for n in 0..<20 {
            alerts.protocolViolated(peer: AssociationPeer(address: "10.9.8.7:\(50000 + n)"), detail: "the peer sent an invalid PDU #\(n)",
                                    at: start + Double(n))
        }
        // A refusal over a limit from the same host is counted apart.
        alerts.refused(peer: AssociationPeer(address: "10.9.8.7:1"), refusal: .associationsPerHost(limit: 2, host: "10.9.8.7"), at: start)
        alerts.recordDue(at: start + 61)
        let events = try trail.store.events(after: 0, limit: 100).map(\.event)
        #expect(events.map(\.type) == [.protocolViolation, .associationLimitExceeded, .protocolViolation])
        #expect(events.map(\.occurrences) == [1, 1, 19])
        let last = try #require(events.last)
        #expect(last.kind == .securityAlert && last.outcome == .minorFailure && last.source.address == "10.9.8.7")
        #expect(last.reason.hasPrefix("19 connections from 10.9.8.7 aborted since ") && last.reason.hasSuffix("the latest: the peer sent an invalid PDU #19"))
    }

    @Test func malformedHTTPRequestsAreOneAlertPerHostAMinuteOfTheWebChannel() throws {
        let trail = try Self.trail()
        let alerts = ConnectionAlerts(audit: trail, window: 60, log: .discarding)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for n in 0..<5 {
            alerts.malformedRequest(peerAddress: "[2001:db8::7]:\(40000 + n)", detail: "GET /dicomweb/studies/1.2.x\(n)", at: start + Double(n))
        }
        // A DICOM protocol violation from the same host is counted apart.
        alerts.protocolViolated(peer: AssociationPeer(address: "[2001:db8::7]:1"), detail: "an invalid PDU", at: start)
        alerts.recordDue(at: start + 61)
        let events = try trail.store.events(after: 0, limit: 100).map(\.event)
        #expect(events.map(\.type) == [.malformedRequest, .protocolViolation, .malformedRequest])
        #expect(events.map(\.occurrences) == [1, 1, 4])
        #expect(events.map(\.channel) == ["dicomweb", "dimse", "dicomweb"])
        let last = try #require(events.last)
        #expect(last.kind == .securityAlert && last.outcome == .minorFailure && last.source.address == "2001:db8::7")
        #expect(last.reason.hasPrefix("4 HTTP requests from 2001:db8::7 refused since ")
            && last.reason.hasSuffix("as malformed (400); the latest: GET /dicomweb/studies/1.2.x4"))
    }
}
