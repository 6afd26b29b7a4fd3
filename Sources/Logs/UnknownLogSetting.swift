/// A log format or level named by something that is not one: what the configuration file and
/// the command line both say, listing the names that work.
public struct UnknownLogSetting: Error, Sendable, Equatable, CustomStringConvertible {
    public let value: String
    public let choices: [String]

    public var description: String { "\(value) is not one of \(choices.joined(separator: ", "))" }
}

extension LogFormat {
    /// The format of this name, or an error listing the formats.
    public static func named(_ text: String) throws(UnknownLogSetting) -> LogFormat {
        guard let format = LogFormat(rawValue: text) else { throw UnknownLogSetting(value: text, choices: allCases.map(\.rawValue)) }
        return format
    }
}

extension LogLevel {
    /// The level of this name (any case), or an error listing the levels.
    public static func named(_ text: String) throws(UnknownLogSetting) -> LogLevel {
        guard let level = LogLevel(name: text) else { throw UnknownLogSetting(value: text, choices: allCases.map(\.description)) }
        return level
    }
}
