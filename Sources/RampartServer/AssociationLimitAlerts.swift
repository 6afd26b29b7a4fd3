import Access
import Audit
import DICOMNetwork
import Foundation
import Synchronization
import Logs

/// Connections refused over `dicom.limits`, recorded as security alerts without letting a flood
/// write one record per connection: per host and limit, the first refusal is recorded at once,
/// then at most one record a minute carries the count refused since the previous one
/// (`AlertCoalescer`). `run()` writes the counts whose minute has passed; `recordPending()`, at
/// shutdown, the rest. The refusals are in the process log one by one.
public final class AssociationLimitAlerts: Sendable {
    private struct Refused: Sendable {
        let host: String
        let refusal: AssociationLimiter.Refusal
    }

    private let coalescer: Mutex<AlertCoalescer<Refused>>
    private let audit: AuditTrail
    private let log: Log
    /// How often `run()` looks for counts to write: a count waits at most a minute and this.
    private let interval: Duration

    public init(audit: AuditTrail, window: TimeInterval = 60, interval: Duration = .seconds(15), log: Log) {
        coalescer = Mutex(AlertCoalescer(window: window))
        self.audit = audit
        self.interval = interval
        self.log = log
    }

    /// One refused connection from `peer`.
    public func refused(peer: AssociationPeer, refusal: AssociationLimiter.Refusal, at now: Date = Date()) {
        let host = Gate.host(of: peer.address)
        let record = coalescer.withLock { $0.occurred("\(host) \(refusal.setting)", Refused(host: host, refusal: refusal), at: now) }
        if let record { write(record) }
    }

    /// Writes the counts whose minute has passed, until cancelled.
    public func run() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            recordDue(at: Date())
        }
    }

    func recordDue(at now: Date) {
        for record in coalescer.withLock({ $0.due(at: now) }) { write(record) }
    }

    /// Writes every count not written yet: when the server stops.
    public func recordPending(at now: Date = Date()) {
        for record in coalescer.withLock({ $0.due(at: now, all: true) }) { write(record) }
    }

    private func write(_ record: AlertCoalescer<Refused>.Record) {
        audit.append(Self.event(host: record.alert.host, refusal: record.alert.refusal, count: record.count, since: record.since),
                     orLog: log, what: "associations refused over a limit")
    }

    /// The security alert for `count` connections from `host` refused over a limit since the
    /// previous such record (`since`; nil: this is the first).
    static func event(host: String, refusal: AssociationLimiter.Refusal, count: Int, since: Date?, at time: Date = Date()) -> AuditEvent {
        let what = count == 1 ? "1 association from \(host) refused" : "\(count) associations from \(host) refused"
        let when = since.map { " since \(AuditTime.text($0))" } ?? ""
        return AuditEvent(time: time, kind: .securityAlert, type: .associationLimitExceeded, outcome: .minorFailure,
                          actor: AuditActor(kind: "anonymous", name: ""), channel: AccessChannel.dimse.rawValue,
                          source: AuditSource(address: host, ip: LocalCertificateAuthority.addressBytes(host)),
                          reason: "\(what)\(when): \(refusal)", occurrences: count)
    }
}
