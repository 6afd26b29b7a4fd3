import Access
import Audit
import Foundation

struct AnomalyThresholds {
    let patients: Int
    let window: TimeInterval
    let denials: Int
}

/// The accesses a privacy officer should look at, found in a period's events.
enum Anomalies {
    static func find(in events: [RecordedAuditEvent], baseline: (String) throws -> [RecordedAuditEvent],
                     _ thresholds: AnomalyThresholds) throws -> [[String]] {
        var rows: [[String]] = []
        for recorded in events where recorded.event.brokeTheGlass && recorded.event.follows == nil {
            let event = recorded.event
            rows.append(["break-the-glass", event.actor.description, AuditTime.text(event.time),
                         "\(event.action ?? event.kind.rawValue) from \(event.source.address), purpose \(event.purposeOfUse ?? "none"), record \(recorded.sequence)"])
        }
        let byActor = Dictionary(grouping: events.map(\.event), by: { $0.actor })
        for (actor, actorEvents) in byActor.sorted(by: { $0.key.description < $1.key.description }) {
            rows += bursts(actor, actorEvents.sorted { $0.time < $1.time }, thresholds)
            let denied = actorEvents.filter { $0.outcome == .minorFailure }
            // A coalesced alert (connections refused over a limit) stands for its occurrences.
            let refusals = denied.reduce(0) { $0 + ($1.occurrences ?? 1) }
            if refusals >= thresholds.denials {
                rows.append(["denials", actor.description, AuditTime.text(denied[0].time), "\(refusals) refused accesses in the period"])
            }
            guard !actor.name.isEmpty else { continue }
            rows += try newPlaces(actor, actorEvents.sorted { $0.time < $1.time }, usual: baseline(actor.name).map(\.event))
        }
        return rows
    }

    /// The first moment a principal has touched `patients` distinct patients within `window`.
    private static func bursts(_ actor: AuditActor, _ events: [AuditEvent], _ thresholds: AnomalyThresholds) -> [[String]] {
        let touches = events.filter { $0.outcome == .success && $0.kind != .auditLogUsed }.flatMap { event in event.patientIDs.map { (event.time, $0) } }
        var start = 0
        var counts: [String: Int] = [:]
        for (end, touch) in touches.enumerated() {
            counts[touch.1, default: 0] += 1
            while touches[end].0.timeIntervalSince(touches[start].0) > thresholds.window {
                let old = touches[start].1
                counts[old, default: 1] -= 1
                if counts[old] == 0 { counts[old] = nil }
                start += 1
            }
            if counts.count >= thresholds.patients {
                return [["many-patients", actor.description, AuditTime.text(touches[start].0),
                         "\(counts.count) patients within \(Int(thresholds.window / 60)) min"]]
            }
        }
        return []
    }

    /// Networks (an IPv4 /24, an IPv6 /64) and client certificates a principal used in the period
    /// but not in its baseline.
    private static func newPlaces(_ actor: AuditActor, _ events: [AuditEvent], usual: [AuditEvent]) -> [[String]] {
        let knownNetworks = Set(usual.compactMap { network(of: $0.source) })
        let knownDevices = Set(usual.compactMap(\.source.certificateFingerprint))
        var seen = Set<String>()
        var rows: [[String]] = []
        for event in events {
            if let network = network(of: event.source), !knownNetworks.contains(network), seen.insert("n" + network).inserted {
                rows.append(["new-network", actor.description, AuditTime.text(event.time), "first access from \(network) (\(event.source.address))"])
            }
            if let device = event.source.certificateFingerprint, !knownDevices.contains(device), seen.insert("d" + device).inserted {
                rows.append(["new-device", actor.description, AuditTime.text(event.time), "first access with certificate sha256 \(device)"])
            }
        }
        return rows
    }

    private static func network(of source: AuditSource) -> String? {
        let host = Gate.host(of: source.address)
        guard let bytes = LocalCertificateAuthority.addressBytes(host) else { return nil }
        return NetworkRange("\(host)/\(bytes.count == 4 ? 24 : 64)")?.description
    }
}
