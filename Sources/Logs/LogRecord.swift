import Foundation

/// One event to log. The message and the fields name no patient data (DESIGN.md rule 4): only
/// identifiers of the machine's own making, addresses, AE titles, account names, UIDs.
public struct LogRecord: Sendable {
    public var time: Date
    public var level: LogLevel
    public var message: String
    /// Context, in the order it was added: which association or request the event belongs to.
    public var fields: [LogField]

    public init(time: Date = Date(), level: LogLevel, message: String, fields: [LogField] = []) {
        self.time = time
        self.level = level
        self.message = message
        self.fields = fields
    }
}

/// A key and its value, such as `association=a1f3`.
public struct LogField: Sendable, Hashable {
    public let key: String
    public let value: String

    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}
