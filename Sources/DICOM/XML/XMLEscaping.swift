/// Escaping text for XML 1.0 (section 2.4 and 3.3.3), for the Native DICOM Model writer.
enum XMLEscaping {
    /// Character data: "&", "<" and ">" escaped, CR as a character reference so that a reader's
    /// line-end normalisation keeps it, and characters XML 1.0 cannot hold at all (controls other
    /// than tab, LF and CR; U+FFFE, U+FFFF) replaced by U+FFFD.
    static func text(_ value: String) -> String {
        escape(value, attribute: false)
    }

    /// An attribute value in double quotes: also '"', and tab and LF, which attribute value
    /// normalisation would turn into spaces.
    static func attribute(_ value: String) -> String {
        escape(value, attribute: true)
    }

    private static func escape(_ value: String, attribute: Bool) -> String {
        let clean = value.utf8.allSatisfy { byte in
            byte >= 0x20 && byte != UInt8(ascii: "&") && byte != UInt8(ascii: "<") && byte != UInt8(ascii: ">")
                && byte != UInt8(ascii: "\"") && byte != 0xEF  // 0xEF leads U+FFFE and U+FFFF
        }
        if clean { return value }
        var output = ""
        output.reserveCapacity(value.utf8.count + 16)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"" where attribute: output += "&quot;"
            case "\r": output += "&#xD;"
            case "\n" where attribute: output += "&#xA;"
            case "\t" where attribute: output += "&#x9;"
            case "\n", "\t": output.unicodeScalars.append(scalar)
            case "\u{0}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}": output += "\u{FFFD}"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }
}
