/// Where a part of the server logs, with the context its lines carry: `log.with("association",
/// id)` gives the log of one association, whose every line names it.
public struct Log: Sendable {
    private let sink: @Sendable (LogRecord) -> Void
    public let fields: [LogField]

    public init(fields: [LogField] = [], sink: @escaping @Sendable (LogRecord) -> Void) {
        self.fields = fields
        self.sink = sink
    }

    /// Text lines of `info` and above on standard error: what a command-line tool and a test
    /// server get unless configured otherwise.
    public static let standardError = Log(writer: LogWriter(format: .text, minimum: .info, descriptor: 2))

    /// Drops every line.
    public static let discarding = Log { _ in }

    public init(writer: LogWriter, fields: [LogField] = []) {
        self.init(fields: fields) { writer.write($0) }
    }

    /// This log with one more field on every line.
    public func with(_ key: String, _ value: String) -> Log {
        Log(fields: fields + [LogField(key, value)], sink: sink)
    }

    public func log(_ level: LogLevel, _ message: String) {
        sink(LogRecord(level: level, message: message, fields: fields))
    }

    public func debug(_ message: String) { log(.debug, message) }
    public func info(_ message: String) { log(.info, message) }
    public func notice(_ message: String) { log(.notice, message) }
    public func warning(_ message: String) { log(.warning, message) }
    public func error(_ message: String) { log(.error, message) }
}
