/// Why an export stopped or a delivery failed, said to the operator who must act.
public enum SyslogExportError: Error, Sendable, CustomStringConvertible {
    /// The export's settings or files are wrong: the exporter does not start.
    case configuration(String)
    /// The cursor file cannot be read or written: without it, delivery cannot resume in order.
    case cursor(path: String, problem: String)
    /// The collector could not be reached or the connection broke: the exporter retries.
    case connection(collector: String, problem: String)

    public var description: String {
        switch self {
        case let .configuration(message):
            "audit export: \(message)"
        case let .cursor(path, problem):
            "audit export cursor \(path) \(problem); check the disk and the file's owner (delete the file only to resend the whole log)"
        case let .connection(collector, problem):
            "audit collector \(collector): \(problem)"
        }
    }
}
