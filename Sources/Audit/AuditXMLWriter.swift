/// Writes XML on one line, escaping every value: audit messages become syslog MSG fields, and
/// their values (reasons, user names, AE titles) may come from an attacker.
struct AuditXMLWriter {
    private(set) var text = ""

    mutating func open(_ name: String, _ attributes: [(String, String?)] = []) {
        start(name, attributes)
        text += ">"
    }

    mutating func empty(_ name: String, _ attributes: [(String, String?)] = []) {
        start(name, attributes)
        text += "/>"
    }

    mutating func close(_ name: String) {
        text += "</\(name)>"
    }

    /// An element holding text only.
    mutating func element(_ name: String, _ attributes: [(String, String?)] = [], content: String) {
        open(name, attributes)
        text += Self.escaped(content)
        close(name)
    }

    /// A CodedValueType element (PS3.15 A.5.1).
    mutating func code(_ name: String, _ code: AuditCode) {
        empty(name, [("csd-code", code.code), ("codeSystemName", code.system), ("originalText", code.meaning)])
    }

    private mutating func start(_ name: String, _ attributes: [(String, String?)]) {
        text += "<" + name
        for case let (attribute, value?) in attributes {
            text += " \(attribute)=\"\(Self.escaped(value))\""
        }
    }

    /// The markup characters as entities; control characters, line and paragraph separators and
    /// the XML non-characters U+FFFE and U+FFFF as U+FFFD, so that the message stays one line of
    /// well-formed XML and shows where something was replaced.
    static func escaped(_ value: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            case "'": out.append(contentsOf: "&apos;".unicodeScalars)
            default:
                switch scalar.properties.generalCategory {
                case .control, .lineSeparator, .paragraphSeparator:
                    out.append("\u{FFFD}")
                default:
                    out.append(scalar.value == 0xFFFE || scalar.value == 0xFFFF ? "\u{FFFD}" : scalar)
                }
            }
        }
        return String(out)
    }
}
