/// How much a log line matters, in the order of syslog's severities (RFC 5424) that a server
/// uses; a writer drops lines below its minimum.
public enum LogLevel: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
    /// Detail for finding a fault; off unless asked for.
    case debug
    /// What happened in the normal course: an association accepted, a file reloaded.
    case info
    /// Normal but worth a look: a refusal the policy made, a setting that changed.
    case notice
    /// Something failed for one peer or request, and the server goes on.
    case warning
    /// Something failed that the operator must fix: a store, a sink, a configuration.
    case error

    public var description: String {
        switch self {
        case .debug: "debug"
        case .info: "info"
        case .notice: "notice"
        case .warning: "warning"
        case .error: "error"
        }
    }

    public init?(name: String) {
        guard let level = Self.allCases.first(where: { $0.description == name.lowercased() }) else { return nil }
        self = level
    }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}
