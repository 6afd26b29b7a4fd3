import Audit
import ServiceLifecycle
import Logs

/// `rampart serve`'s export of the audit log to the configured syslog collector (`audit.syslog`),
/// for as long as the server runs. The cursor is `audit/export-syslog-HOST-PORT.cursor` in the
/// data folder: one per collector, so a new collector receives the whole log.
public struct AuditExportService: Service {
    public let exporter: SyslogExporter

    /// - Parameters:
    ///   - store: the audit log, which is also the spool.
    ///   - wakeup: what the audit trail signals after each append (`AuditTrail(appended:)`).
    ///   - message: the MSG of a record (its PS3.15 A.5 XML).
    public init(store: AuditStore, settings: ServerConfiguration.SyslogSettings, dataDirectory: String, wakeup: ExportWakeup,
                log: Log,
                message: @escaping @Sendable (RecordedAuditEvent) -> String) throws(ServerSetupError) {
        let resolve = { (path: String) in path.hasPrefix("/") ? path : dataDirectory + "/" + path }
        let transport: SyslogTransport = switch settings.transport {
        case .tls: .tls(SyslogTLS(caPath: resolve(settings.ca ?? ""), certificatePath: settings.certificate.map(resolve),
                                  privateKeyPath: settings.privateKey.map(resolve)))
        case .udp: .udp
        }
        let collector = SyslogCollector(host: settings.host, port: settings.port, transport: transport, facility: settings.facility)
        try DataFolder.ensure(dataDirectory + "/audit")
        do {
            exporter = try SyslogExporter(store: store, collector: collector, cursorPath: dataDirectory + "/audit/" + Self.cursorName(collector),
                                          wakeup: wakeup, log: log, message: message)
        } catch {
            throw ServerSetupError("\(error) (audit.syslog in rampart.yaml)")
        }
    }

    /// `export-syslog-HOST-PORT.cursor`, the host's characters other than letters, digits, `.` and `-` as `_`.
    static func cursorName(_ collector: SyslogCollector) -> String {
        let host = String(collector.host.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") ? $0 : "_" })
        return "export-syslog-\(host)-\(collector.port).cursor"
    }

    public func run() async throws {
        let exporter = self.exporter
        // Records appended during shutdown wait in the log for the next start.
        await cancelWhenGracefulShutdown { await exporter.run() }
    }
}
