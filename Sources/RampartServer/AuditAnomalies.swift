import Access
import Audit
import Foundation

/// Finds the accesses a privacy officer should look at in a period's events: break-the-glass,
/// a principal touching many patients in a short time, repeated denials, a principal from a
/// network or with a certificate its baseline (the days before the period) does not show.
public struct AuditAnomalies: Sendable {
    public struct Thresholds: Sendable, Hashable {
        /// Flag a principal that touches at least this many patients within `window`.
        public var patients: Int
        public var window: TimeInterval
        /// Flag a principal refused at least this many times in the period.
        public var denials: Int
        /// How long before the period counts as a principal's usual networks and devices.
        public var baseline: TimeInterval

        public init(patients: Int = 20, window: TimeInterval = 600, denials: Int = 5, baseline: TimeInterval = 30 * 86_400) {
            self.patients = patients
            self.window = window
            self.denials = denials
            self.baseline = baseline
        }
    }

    /// The most events of a period and of one principal's baseline that are read.
    public static let maximumEvents = 1_000_000

    public let store: AuditStore
    public let thresholds: Thresholds

    public init(store: AuditStore, thresholds: Thresholds = Thresholds()) {
        self.store = store
        self.thresholds = thresholds
    }

    /// The anomalies of `from..<to`, break-the-glass first, then per principal.
    public func find(from: Date, to: Date?) throws(AuditError) -> [AuditAnomaly] {
        let events = try store.events(matching: AuditQuery(from: from, to: to, limit: Self.maximumEvents))
        return try find(in: events) { actor throws(AuditError) in
            try store.events(matching: AuditQuery(actor: actor, from: from.addingTimeInterval(-thresholds.baseline), to: from,
                                                  limit: Self.maximumEvents)).map(\.event)
        }
    }

    /// The anomalies of `events`; `baseline` gives a principal's events before the period.
    func find(in events: [RecordedAuditEvent], baseline: (String) throws(AuditError) -> [AuditEvent]) throws(AuditError) -> [AuditAnomaly] {
        var found: [AuditAnomaly] = []
        for recorded in events where recorded.event.brokeTheGlass && recorded.event.follows == nil {
            let event = recorded.event
            found.append(AuditAnomaly(kind: .breakTheGlass, actor: event.actor, time: event.time,
                                      detail: "\(event.action ?? event.kind.rawValue) from \(event.source.address), purpose \(event.purposeOfUse ?? "none"), record \(recorded.sequence)"))
        }
        let byActor = Dictionary(grouping: events.map(\.event), by: { $0.actor })
        for (actor, actorEvents) in byActor.sorted(by: { $0.key.description < $1.key.description }) {
            let ordered = actorEvents.sorted { $0.time < $1.time }
            if let burst = burst(actor, ordered) { found.append(burst) }
            let denied = ordered.filter { $0.outcome == .minorFailure }
            // A coalesced alert (connections refused over a limit) stands for its occurrences.
            let refusals = denied.reduce(0) { $0 + ($1.occurrences ?? 1) }
            if refusals >= thresholds.denials, let first = denied.first {
                found.append(AuditAnomaly(kind: .denials, actor: actor, time: first.time, detail: "\(refusals) refused accesses in the period"))
            }
            guard !actor.name.isEmpty else { continue }
            found += newPlaces(actor, ordered, usual: try baseline(actor.name))
        }
        return found
    }

    /// The first moment a principal has touched `patients` distinct patients within `window`.
    private func burst(_ actor: AuditActor, _ events: [AuditEvent]) -> AuditAnomaly? {
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
                return AuditAnomaly(kind: .manyPatients, actor: actor, time: touches[start].0,
                                    detail: "\(counts.count) patients within \(Int(thresholds.window / 60)) min")
            }
        }
        return nil
    }

    /// Networks (an IPv4 /24, an IPv6 /64) and client certificates a principal used in the period
    /// but not in its baseline.
    private func newPlaces(_ actor: AuditActor, _ events: [AuditEvent], usual: [AuditEvent]) -> [AuditAnomaly] {
        let knownNetworks = Set(usual.compactMap { Self.network(of: $0.source) })
        let knownDevices = Set(usual.compactMap(\.source.certificateFingerprint))
        var seen = Set<String>()
        var found: [AuditAnomaly] = []
        for event in events {
            if let network = Self.network(of: event.source), !knownNetworks.contains(network), seen.insert("n" + network).inserted {
                found.append(AuditAnomaly(kind: .newNetwork, actor: actor, time: event.time, detail: "first access from \(network) (\(event.source.address))"))
            }
            if let device = event.source.certificateFingerprint, !knownDevices.contains(device), seen.insert("d" + device).inserted {
                found.append(AuditAnomaly(kind: .newDevice, actor: actor, time: event.time, detail: "first access with certificate sha256 \(device)"))
            }
        }
        return found
    }

    private static func network(of source: AuditSource) -> String? {
        let host = Gate.host(of: source.address)
        guard let bytes = LocalCertificateAuthority.addressBytes(host) else { return nil }
        return NetworkRange("\(host)/\(bytes.count == 4 ? 24 : 64)")?.description
    }
}
