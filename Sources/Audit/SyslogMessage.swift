/// One syslog message as RFC 5424 writes it:
/// `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD-ID PARAM="VALUE"...] BOM MSG`.
///
/// The header fields are printable US-ASCII without spaces (RFC 5424 6.2, `PRINTUSASCII`); text
/// outside that is replaced by `_` and cut to the field's length, so no value can break the
/// header apart. MSG is UTF-8 and starts with a byte order mark (6.4, `MSG-UTF8`).
public struct SyslogMessage: Sendable {
    /// RFC 5424 6.2.1, table 2.
    public enum Severity: Int, Sendable, Hashable {
        case error = 3
        case warning = 4
        case informational = 6

        /// Success is informational, a refusal (the gate denied, a credential failed) a warning,
        /// an allowed action that failed an error.
        public init(_ outcome: AuditOutcome) {
            switch outcome {
            case .success: self = .informational
            case .minorFailure: self = .warning
            case .seriousFailure, .majorFailure: self = .error
            }
        }
    }

    /// One SD-ELEMENT (RFC 5424 6.3): an SD-ID and its parameters, in order.
    public struct Element: Sendable {
        public var id: String
        public var parameters: [(name: String, value: String)]

        public init(id: String, parameters: [(name: String, value: String)]) {
            self.id = id
            self.parameters = parameters
        }
    }

    /// 0-23 (RFC 5424 6.2.1, table 1): 10 is authpriv, 13 log audit.
    public var facility: Int
    public var severity: Severity
    /// RFC 3339 in UTC with at most six fraction digits (`AuditTime.text` writes that).
    public var timestamp: String
    public var hostname: String
    public var appName: String
    public var procID: String
    public var msgID: String
    public var structuredData: [Element]
    public var message: String

    public init(facility: Int, severity: Severity, timestamp: String, hostname: String, appName: String, procID: String,
                msgID: String, structuredData: [Element] = [], message: String) {
        self.facility = facility
        self.severity = severity
        self.timestamp = timestamp
        self.hostname = hostname
        self.appName = appName
        self.procID = procID
        self.msgID = msgID
        self.structuredData = structuredData
        self.message = message
    }

    /// The SD-ID of Rampart's own element. 32473 is IANA's example enterprise number (RFC 5612),
    /// for documentation: a site that registers its own number replaces it here.
    public static let rampartElementID = "rampart@32473"

    /// The message of one audit record: severity from its outcome, MSGID its kind, its sequence
    /// number as `[rampart@32473 seq="N"]` (so a collector can see gaps and repeats), `text` as MSG.
    public init(record: RecordedAuditEvent, facility: Int, hostname: String, procID: String, text: String) {
        self.init(facility: facility, severity: Severity(record.event.outcome), timestamp: AuditTime.text(record.event.time),
                  hostname: hostname, appName: "rampart", procID: procID, msgID: record.event.kind.rawValue,
                  structuredData: [Element(id: Self.rampartElementID, parameters: [("seq", String(record.sequence))])], message: text)
    }

    /// The message's bytes, without framing.
    public var bytes: [UInt8] {
        var header = "<\(facility * 8 + severity.rawValue)>1 "
        header += [Self.field(timestamp, 64), Self.field(hostname, 255), Self.field(appName, 48), Self.field(procID, 128),
                   Self.field(msgID, 32)].joined(separator: " ")
        header += " " + (structuredData.isEmpty ? "-" : structuredData.map(Self.element).joined())
        var bytes = Array(header.utf8)
        if !message.isEmpty {
            bytes += [0x20, 0xEF, 0xBB, 0xBF]
            bytes += message.utf8
        }
        return bytes
    }

    /// A header field: printable US-ASCII (33-126), at most `limit` characters, `-` when empty.
    static func field(_ text: String, _ limit: Int) -> String {
        let printable = String(text.unicodeScalars.prefix(limit).map { (33...126).contains($0.value) ? Character($0) : "_" })
        return printable.isEmpty ? "-" : printable
    }

    /// `[ID name="value"...]`; SD-NAMEs also exclude `=`, `]` and `"` (6.3.2), and in a value
    /// `"`, `\` and `]` are escaped with a backslash (6.3.3).
    static func element(_ element: Element) -> String {
        let name = { (text: String) in String(field(text, 32).map { "=]\"".contains($0) ? "_" : $0 }) }
        let parameters = element.parameters.map { parameter in
            var value = ""
            for character in parameter.value {
                if "\"\\]".contains(character) { value.append("\\") }
                value.append(character)
            }
            return " \(name(parameter.name))=\"\(value)\""
        }
        return "[\(name(element.id))\(parameters.joined())]"
    }
}
