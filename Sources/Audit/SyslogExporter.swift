#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOPosix
import NIOSSL
import Logs

/// Sends the audit log's records to one collector, in order, each once.
///
/// The log is the spool: the exporter keeps only a cursor file with the last sequence number
/// delivered, reads the records after it in batches, and moves the cursor after each write has
/// completed. While the collector is down nothing is sent and nothing is lost: the exporter
/// retries with a bounded backoff (0.5 s doubling to 30 s) and resends from the cursor. Over
/// TLS (`SyslogConnection` says how a collector's leaving is noticed, and the one window it
/// leaves) each record is delivered exactly once; over UDP a record is sent once and may be
/// lost. A crash between a write and the cursor's save resends that batch at the next start:
/// the collector sees the repeated sequence numbers (`[rampart@32473 seq="N"]`).
///
/// New records go out when `wake()` is called (after each append in this process) and, for
/// records other processes append (the command line), at each poll.
public final class SyslogExporter: Sendable {
    public let collector: SyslogCollector
    public let cursor: SyslogExportCursor
    private let store: AuditStore
    private let tls: NIOSSLContext?
    private let message: @Sendable (RecordedAuditEvent) -> String
    private let log: Log
    private let hostname: String
    private let procID: String
    private let batchSize: Int
    private let pollInterval: Duration
    private let backoff: ReconnectBackoff
    private let group: any EventLoopGroup
    private let wakeup: ExportWakeup

    /// - Parameters:
    ///   - cursorPath: the cursor file, one per collector (`audit/export-NAME.cursor`).
    ///   - wakeup: what the appender signals (`wake()` signals it too).
    ///   - message: the MSG of a record (its PS3.15 A.5 XML).
    ///   - log: the process log; says when the collector is lost and found again, never patient data.
    public init(store: AuditStore, collector: SyslogCollector, cursorPath: String, hostname: String = SyslogExporter.localHostname,
                batchSize: Int = 100, pollInterval: Duration = .seconds(1), backoff: ReconnectBackoff = ReconnectBackoff(),
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, wakeup: ExportWakeup = ExportWakeup(),
                log: Log,
                message: @escaping @Sendable (RecordedAuditEvent) -> String) throws(SyslogExportError) {
        guard (0...23).contains(collector.facility) else {
            throw .configuration("facility \(collector.facility) is not a syslog facility (0-23; IHE ATNA uses 10, authpriv, or 13, log audit)")
        }
        guard (1...65535).contains(collector.port) else {
            throw .configuration("port \(collector.port) of \(collector.host) is not a port (1-65535)")
        }
        switch collector.transport {
        case let .tls(settings): tls = try settings.makeContext()
        case .udp: tls = nil
        }
        self.store = store
        self.collector = collector
        cursor = SyslogExportCursor(path: cursorPath)
        self.hostname = hostname
        procID = String(getpid())
        self.batchSize = max(1, batchSize)
        self.pollInterval = pollInterval
        self.backoff = backoff
        self.group = group
        self.wakeup = wakeup
        self.log = log
        self.message = message
    }

    /// This machine's name, as the HOSTNAME of the messages.
    public static var localHostname: String {
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count - 1) == 0 else { return "-" }
        return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Records were appended: send them now rather than at the next poll.
    public func wake() { wakeup.signal() }

    /// The framed bytes of one record, as the collector receives them.
    public func frame(_ record: RecordedAuditEvent) -> [UInt8] {
        collector.transport.frame(SyslogMessage(record: record, facility: collector.facility, hostname: hostname, procID: procID,
                                                text: message(record)).bytes)
    }

    /// Delivers until the task is cancelled. Failures (the collector, the cursor file, the log)
    /// are logged when they begin and when they end, and retried.
    public func run() async {
        var backoff = self.backoff
        var connection: SyslogConnection?
        var delivered: UInt64?
        var problem: String?
        while !Task.isCancelled {
            if let open = connection, !open.isOpen {
                log.info("audit export to \(collector): the collector closed the connection; the next records go over a new one")
                connection = nil
            }
            do {
                let after: UInt64
                if let delivered {
                    after = delivered
                } else {
                    after = try cursor.load()
                    delivered = after
                    let last = try store.lastSequence()
                    if after > last {
                        log.warning("audit export to \(collector): the cursor \(cursor.path) is at record \(after) but the audit log ends at \(last); records from \(after + 1) on will be sent")
                    }
                }
                let batch = try store.events(after: after, limit: batchSize)
                guard !batch.isEmpty else {
                    await wakeup.wait(upTo: pollInterval)
                    continue
                }
                let open: SyslogConnection
                if let connection {
                    open = connection
                } else {
                    open = try await SyslogConnection.open(to: collector, tls: tls, group: group, timeout: .seconds(10))
                    // A collector that leaves while the loop waits is noticed (and said) at once.
                    open.onClose { [wakeup] in wakeup.signal() }
                    connection = open
                }
                var sent = after
                do {
                    for record in batch {
                        try await open.send(frame(record))
                        sent = record.sequence
                    }
                } catch {
                    // What was written before the failure was delivered: keep it so.
                    if sent != after {
                        delivered = sent
                        try cursor.save(sent)
                    }
                    throw error
                }
                delivered = sent
                try cursor.save(sent)
                backoff.succeeded()
                if problem != nil {
                    log.info("audit export to \(collector): delivering again (up to record \(sent))")
                    problem = nil
                }
            } catch {
                await connection?.close()
                connection = nil
                let wait = backoff.failed()
                let description = "\(error)"
                if description != problem {
                    log.error("\(description); the records stay in the audit log and are sent once it works again (retrying every \(Self.seconds(wait)) s at first, then up to every \(Self.seconds(backoff.maximum)) s)")
                    problem = description
                }
                try? await Task.sleep(for: wait)
            }
        }
        await connection?.close()
    }

    private static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return attoseconds == 0 ? "\(seconds)" : "\(Double(seconds) + Double(attoseconds) / 1e18)"
    }
}
