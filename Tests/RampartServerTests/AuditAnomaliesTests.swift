import Audit
import Foundation
import Testing
@testable import RampartServer

/// The accesses a privacy officer should look at, as `rampart audit report anomalies` and
/// `GET /api/audit/anomalies` both find them.
@Suite struct AuditAnomaliesTests {
    private let start = Date(timeIntervalSince1970: 1_795_478_400)

    private func event(_ actor: String, at minutes: Double, patient: String? = nil, from address: String = "10.0.0.7:4000",
                       outcome: AuditOutcome = .success, brokeTheGlass: Bool = false, certificate: String? = nil) -> AuditEvent {
        AuditEvent(time: start.addingTimeInterval(minutes * 60), kind: .query, outcome: outcome, actor: AuditActor(kind: "user", name: actor),
                   channel: "dicomweb", source: AuditSource(address: address, certificateFingerprint: certificate), action: "retrieve",
                   subjects: patient.map { [AuditSubject(.patient, $0)] } ?? [], reason: "test", brokeTheGlass: brokeTheGlass,
                   purposeOfUse: brokeTheGlass ? "ETREAT" : nil)
    }

    private func find(_ events: [AuditEvent], baseline: [AuditEvent] = [], _ thresholds: AuditAnomalies.Thresholds) throws -> [AuditAnomaly] {
        let folder = NSTemporaryDirectory() + "anomalies-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let store = try AuditStore(path: folder + "/audit.sqlite", signingKey: AuditSigningKey())
        _ = try store.append(baseline + events)
        return try AuditAnomalies(store: store, thresholds: thresholds).find(from: start, to: start.addingTimeInterval(86_400))
    }

    @Test func breakTheGlassManyPatientsAndDenialsAreFound() throws {
        let events = [event("erin", at: 1, patient: "P1", brokeTheGlass: true)]
            + (0..<3).map { event("bob", at: Double($0), patient: "P\($0)") }
            + (0..<2).map { event("mallory", at: Double($0), outcome: .minorFailure) }
        let found = try find(events, baseline: [event("erin", at: -60), event("bob", at: -60), event("mallory", at: -60)],
                             AuditAnomalies.Thresholds(patients: 3, window: 600, denials: 2))
        #expect(found.map(\.kind) == [.breakTheGlass, .manyPatients, .denials])
        #expect(found[0].actor.name == "erin" && found[0].detail.contains("purpose ETREAT"))
        #expect(found[1].actor.name == "bob" && found[1].detail == "3 patients within 10 min")
        #expect(found[2].actor.name == "mallory" && found[2].detail == "2 refused accesses in the period")
        #expect(found[0].fields[0] == "break-the-glass" && found[0].fields[1] == "user erin")
    }

    @Test func aNetworkOrDeviceOutsideTheBaselineIsFound() throws {
        let device = String(repeating: "ab", count: 32)
        let found = try find([event("carol", at: 5, from: "10.0.0.8:4000"), event("carol", at: 6, from: "192.168.7.1:4000", certificate: device)],
                             baseline: [event("carol", at: -600, from: "10.0.0.99:1234")], AuditAnomalies.Thresholds())
        #expect(found.map(\.kind) == [.newNetwork, .newDevice])
        #expect(found[0].detail == "first access from 192.168.7.0/24 (192.168.7.1:4000)")
        #expect(found[1].detail == "first access with certificate sha256 \(device)")
    }
}
