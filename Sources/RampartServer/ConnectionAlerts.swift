import Access
import Audit
import DICOMNetwork
import Foundation
import Synchronization
import Logs
import Web

/// Connections refused over `dicom.limits`, connections aborted because the peer broke the
/// DICOM protocol, and HTTP requests refused as malformed, recorded as security alerts without
/// letting a flood write one record per connection: per host and kind (and limit), the first is
/// recorded at once, then at most one record a minute carries the count since the previous one
/// (`AlertCoalescer`). `run()` writes the counts whose minute has passed; `recordPending()`, at
/// shutdown, the rest. Each DICOM connection is in the process log one by one.
public final class ConnectionAlerts: HTTPPeerAlerts, Sendable {
    private struct Alert: Sendable {
        enum Kind: Sendable {
            case refused(AssociationLimiter.Refusal)
            case protocolViolation(detail: String)
            case malformedRequest(detail: String)
        }

        let host: String
        let kind: Kind
    }

    private let coalescer: Mutex<AlertCoalescer<Alert>>
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
        occurred("\(host) \(refusal.setting)", Alert(host: host, kind: .refused(refusal)), at: now)
    }

    /// One connection from `peer` aborted for breaking the protocol (`detail`: how; the record
    /// keeps the latest).
    public func protocolViolated(peer: AssociationPeer, detail: String, at now: Date = Date()) {
        let host = Gate.host(of: peer.address)
        occurred("\(host) protocol", Alert(host: host, kind: .protocolViolation(detail: detail)), at: now)
    }

    /// One HTTP request from `peerAddress` refused with 400 (`detail`: which; the record keeps
    /// the latest).
    public func malformedRequest(peerAddress: String, detail: String) {
        malformedRequest(peerAddress: peerAddress, detail: detail, at: Date())
    }

    func malformedRequest(peerAddress: String, detail: String, at now: Date) {
        let host = Gate.host(of: peerAddress)
        occurred("\(host) http", Alert(host: host, kind: .malformedRequest(detail: detail)), at: now)
    }

    private func occurred(_ key: String, _ alert: Alert, at now: Date) {
        if let record = coalescer.withLock({ $0.occurred(key, alert, at: now) }) { write(record) }
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

    private func write(_ record: AlertCoalescer<Alert>.Record) {
        audit.append(Self.event(record.alert, count: record.count, since: record.since), orLog: log, what: "connections refused or aborted")
    }

    /// The security alert for `count` connections from the alert's host refused over a limit, or
    /// aborted for a protocol violation, since the previous such record (`since`; nil: the first).
    private static func event(_ alert: Alert, count: Int, since: Date?, at time: Date = Date()) -> AuditEvent {
        let host = alert.host
        let when = since.map { " since \(AuditTime.text($0))" } ?? ""
        let (type, channel, reason): (AuditEventType, AccessChannel, String) = switch alert.kind {
        case .refused(let refusal):
            (.associationLimitExceeded, .dimse,
             (count == 1 ? "1 association from \(host) refused" : "\(count) associations from \(host) refused") + "\(when): \(refusal)")
        case .protocolViolation(let detail):
            (.protocolViolation, .dimse, (count == 1 ? "1 connection from \(host) aborted" : "\(count) connections from \(host) aborted")
                + "\(when) for breaking the DICOM protocol; the latest: \(LogText.printable(String(detail.prefix(300))))")
        case .malformedRequest(let detail):
            (.malformedRequest, .dicomweb, (count == 1 ? "1 HTTP request from \(host) refused" : "\(count) HTTP requests from \(host) refused")
                + "\(when) as malformed (400); the latest: \(LogText.printable(String(detail.prefix(300))))")
        }
        return AuditEvent(time: time, kind: .securityAlert, type: type, outcome: .minorFailure,
                          actor: AuditActor(kind: "anonymous", name: ""), channel: channel.rawValue,
                          source: AuditSource(address: host, ip: LocalCertificateAuthority.addressBytes(host)),
                          reason: reason, occurrences: count)
    }
}
