import Audit
import Foundation
import RampartServer

/// The audit log at scale, for Benchmarks/audit.py: fills a data folder's audit log with
/// synthetic events, and times the queries `rampart audit query` runs and single appends.
///
///     rampart-audit-bench generate DATA_DIR EVENTS
///     rampart-audit-bench query DATA_DIR
///     rampart-audit-bench append DATA_DIR COUNT
///
/// The events are synthetic (made-up users, patient IDs BENCH-P…, 10.x addresses), spread over
/// one year; each names one patient and one study, as a store or a query does.
@main
enum AuditBench {
    static let users = 2_000
    static let patients = 200_000
    static let start = Date(timeIntervalSince1970: 1_764_547_200)  // 2025-12-01T00:00:00Z
    static let year: TimeInterval = 365 * 86_400

    static func main() throws {
        let arguments = CommandLine.arguments
        guard arguments.count >= 3 else {
            FileHandle.standardError.write(Data("usage: rampart-audit-bench generate|query|append DATA_DIR [N]\n".utf8))
            exit(2)
        }
        let trail = try AuditTrail(dataDirectory: arguments[2])
        switch arguments[1] {
        case "generate": try generate(trail, count: Int(arguments.count > 3 ? arguments[3] : "") ?? 10_000_000)
        case "query": try query(trail.store)
        case "append": try append(trail, count: Int(arguments.count > 3 ? arguments[3] : "") ?? 2_000)
        default:
            FileHandle.standardError.write(Data("unknown command \(arguments[1])\n".utf8))
            exit(2)
        }
    }

    /// Event `n` of the synthetic log: deterministic, so two runs make the same log.
    static func event(_ n: Int) -> AuditEvent {
        // Fibonacci hashing spreads consecutive events over users, patients and kinds.
        let mixed = UInt64(n + 1) &* 0x9E37_79B9_7F4A_7C15
        let user = Int((mixed >> 40) % UInt64(users))
        let patient = Int((mixed >> 20) % UInt64(patients))
        let kinds: [(AuditEventKind, String)] = [(.instancesTransferred, "store"), (.query, "query"), (.beginTransferring, "retrieve"),
                                                  (.patientRecord, "query")]
        let (kind, action) = kinds[Int((mixed >> 8) % 4)]
        let host: [UInt8] = [10, UInt8(user % 200), UInt8((mixed >> 12) % 4), UInt8(1 + user % 250)]
        return AuditEvent(time: start.addingTimeInterval(year * Double(n) / 10_000_000), kind: kind,
                          outcome: (mixed >> 16) % 50 == 0 ? .minorFailure : .success,
                          actor: AuditActor(kind: "user", name: "bench-user-\(user)", roles: ["radiologist"]), channel: "dimse",
                          source: AuditSource(address: host.map(String.init).joined(separator: ".") + ":40000", ip: host, callingAETitle: "WS\(user % 300)"),
                          action: action, subjects: [AuditSubject(.patient, "BENCH-P\(patient)"), AuditSubject(.study, "2.25.\(patient)\(n % 7)")],
                          reason: "user bench-user-\(user): user authenticated by token; role radiologist allows \(action)")
    }

    static func generate(_ trail: AuditTrail, count: Int) throws {
        let have = Int(try trail.store.lastSequence())
        let clock = ContinuousClock()
        let began = clock.now
        var done = have
        while done < count {
            let batch = min(10_000, count - done)
            _ = try trail.store.append((done..<(done + batch)).map(event))
            done += batch
            if done % 1_000_000 == 0 { print("  \(done) events, \(clock.now - began)") }
        }
        try trail.checkpoint()
        let seconds = Double((clock.now - began).components.seconds)
        print("generated \(count - have) events in \(Int(seconds)) s (\(count) in the log)")
    }

    static func query(_ store: AuditStore) throws {
        let probe = event(5_000_000)
        let patient = probe.patientIDs[0], user = probe.actor.name
        let month = start.addingTimeInterval(year / 2)
        let cases: [(String, AuditQuery)] = [
            ("--patient-id \(patient)", AuditQuery(patientID: patient)),
            ("--user \(user)", AuditQuery(actor: user)),
            ("--user \(user) --from --to (one month)", AuditQuery(actor: user, from: month, to: month.addingTimeInterval(30 * 86_400))),
            ("--source 10.7.0.0/16", AuditQuery(sourceRange: AuditAddressRange(lower: [10, 7, 0, 0], upper: [10, 7, 255, 255]))),
            ("--from --to (one hour)", AuditQuery(from: month, to: month.addingTimeInterval(3_600))),
            ("--study (one study)", AuditQuery(studyUID: probe.studyUIDs[0])),
        ]
        print("events in the log: \(try store.lastSequence())")
        for (name, query) in cases {
            var times: [Duration] = []
            var found = 0
            for _ in 0..<5 {
                let clock = ContinuousClock()
                let began = clock.now
                found = try store.events(matching: query).count
                times.append(clock.now - began)
            }
            let median = times.sorted()[2]
            print(String(format: "query %-42@ %6d events  median %8.1f ms", name as NSString, found, Double(median.components.attoseconds) / 1e15 + Double(median.components.seconds) * 1000))
        }
    }

    /// Single appends, each its own synced transaction: what every gate decision costs.
    static func append(_ trail: AuditTrail, count: Int) throws {
        let clock = ContinuousClock()
        let began = clock.now
        for n in 0..<count { try trail.append(event(n)) }
        let elapsed = clock.now - began
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(String(format: "appended %d events one at a time in %.2f s: %.0f events/s", count, seconds, Double(count) / seconds))
    }
}
