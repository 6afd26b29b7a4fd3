#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Writes log records as whole lines to a file descriptor, each with one `write`, so that lines
/// of concurrent associations never interleave; drops those below `minimum`.
public struct LogWriter: Sendable {
    public let format: LogFormat
    public let minimum: LogLevel
    let descriptor: Int32

    public init(format: LogFormat, minimum: LogLevel, descriptor: Int32 = 2) {
        self.format = format
        self.minimum = minimum
        self.descriptor = descriptor
    }

    public func write(_ record: LogRecord) {
        guard record.level >= minimum else { return }
        let bytes = Array((line(record) + "\n").utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
    }

    /// The record in `format`, without the newline.
    ///
    /// - text: `2026-11-24T23:15:02.123Z info association accepted [association=a1f3]`
    /// - json: `{"time":"…","level":"info","message":"…","association":"a1f3"}`
    /// - logfmt: `time=… level=info msg="…" association=a1f3`
    public func line(_ record: LogRecord) -> String {
        let time = Self.timestamp(record.time)
        switch format {
        case .text:
            var line = "\(time) \(record.level) \(record.message)"
            if !record.fields.isEmpty {
                line += " [" + record.fields.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + "]"
            }
            return line
        case .json:
            var pairs = [("time", time), ("level", "\(record.level)"), ("message", record.message)]
            pairs += record.fields.map { ($0.key, $0.value) }
            return "{" + pairs.map { "\(Self.jsonString($0.0)):\(Self.jsonString($0.1))" }.joined(separator: ",") + "}"
        case .logfmt:
            var pairs = [("time", time), ("level", "\(record.level)"), ("msg", record.message)]
            pairs += record.fields.map { ($0.key, $0.value) }
            return pairs.map { "\($0.0)=\(Self.logfmtValue($0.1))" }.joined(separator: " ")
        }
    }

    /// RFC 3339 in UTC with milliseconds.
    static func timestamp(_ date: Date) -> String {
        date.formatted(timeFormat)
    }

    private static let timeFormat = Date.ISO8601FormatStyle(dateSeparator: .dash, dateTimeSeparator: .standard, timeSeparator: .colon,
                                                            timeZoneSeparator: .omitted, includingFractionalSeconds: true, timeZone: .gmt)

    /// A JSON string (RFC 8259 7): quotes, backslashes and control characters escaped.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += "\\u" + String(format: "%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A logfmt value: bare when it has no space, quote, equals sign or control character,
    /// else quoted as a JSON string (what logfmt parsers read).
    static func logfmtValue(_ text: String) -> String {
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy { $0.value > 0x20 && $0 != "\"" && $0 != "=" && $0 != "\\" }
        return plain ? text : jsonString(text)
    }
}
