/// A character set that Specific Character Set (0008,0005) can name (PS3.3 C.12.1.1.2, Tables C.12-2
/// to C.12-5), with where it sits in ISO 2022 terms and how glibc's iconv converts it.
enum CodedCharacterSet: Sendable, Hashable, CaseIterable {
    /// ISO-IR 6, the default repertoire. Like pydicom, bytes above 0x7F are read as Latin-1 rather than refused.
    case isoIR6
    case latin1, latin2, latin3, latin4, cyrillic, arabic, greek, hebrew, latin5, latin9, thai
    /// JIS X 0201: romaji (ISO-IR 14) in G0 and half-width katakana (ISO-IR 13) in G1.
    case jisX0201
    case jisX0208, jisX0212, ksX1001, gb2312
    case utf8, gb18030, gbk

    /// The defined term naming this set with code extensions (or the stand-alone term), for messages.
    var term: String {
        switch self {
        case .isoIR6: "ISO 2022 IR 6"
        case .latin1: "ISO 2022 IR 100"
        case .latin2: "ISO 2022 IR 101"
        case .latin3: "ISO 2022 IR 109"
        case .latin4: "ISO 2022 IR 110"
        case .cyrillic: "ISO 2022 IR 144"
        case .arabic: "ISO 2022 IR 127"
        case .greek: "ISO 2022 IR 126"
        case .hebrew: "ISO 2022 IR 138"
        case .latin5: "ISO 2022 IR 148"
        case .latin9: "ISO 2022 IR 203"
        case .thai: "ISO 2022 IR 166"
        case .jisX0201: "ISO 2022 IR 13"
        case .jisX0208: "ISO 2022 IR 87"
        case .jisX0212: "ISO 2022 IR 159"
        case .ksX1001: "ISO 2022 IR 149"
        case .gb2312: "ISO 2022 IR 58"
        case .utf8: "ISO_IR 192"
        case .gb18030: "GB18030"
        case .gbk: "GBK"
        }
    }

    /// UTF-8, GB18030 and GBK cannot be combined with code extensions (PS3.5 6.1.2.5.4 d; PS3.3 Table C.12-5).
    var isStandalone: Bool {
        switch self {
        case .utf8, .gb18030, .gbk: true
        default: false
        }
    }

    /// The 96-character single-byte sets invoked in G1 (GR, 0xA0–0xFF), decoded through a byte table.
    var isSingleByteTable: Bool {
        switch self {
        case .latin2, .latin3, .latin4, .cyrillic, .arabic, .greek, .hebrew, .latin5, .latin9, .thai: true
        default: false
        }
    }

    /// The code element this set is designated to by its escape sequence (PS3.3 Tables C.12-3, C.12-4).
    /// JIS X 0201 is both: romaji to G0 by ESC ( J, katakana to G1 by ESC ) I.
    var isDesignatedToG0: Bool {
        switch self {
        case .isoIR6, .jisX0208, .jisX0212: true
        default: false
        }
    }

    /// JIS X 0208 and JIS X 0212: 94×94 sets in G0, two GL bytes per character.
    var isMultiByteG0: Bool { self == .jisX0208 || self == .jisX0212 }

    /// The escape sequence that designates this set to G1 (for JIS X 0201: the katakana half), without ESC.
    var g1Escape: [UInt8]? {
        switch self {
        case .latin1: Array("-A".utf8)
        case .latin2: Array("-B".utf8)
        case .latin3: Array("-C".utf8)
        case .latin4: Array("-D".utf8)
        case .greek: Array("-F".utf8)
        case .arabic: Array("-G".utf8)
        case .hebrew: Array("-H".utf8)
        case .cyrillic: Array("-L".utf8)
        case .latin5: Array("-M".utf8)
        case .thai: Array("-T".utf8)
        case .latin9: Array("-b".utf8)
        case .jisX0201: Array(")I".utf8)
        case .ksX1001: Array("$)C".utf8)
        case .gb2312: Array("$)A".utf8)
        case .isoIR6, .jisX0208, .jisX0212, .utf8, .gb18030, .gbk: nil
        }
    }

    /// The escape sequence that designates this set to G0 (for JIS X 0201: the romaji half), without ESC.
    var g0Escape: [UInt8]? {
        switch self {
        case .isoIR6: Array("(B".utf8)
        case .jisX0201: Array("(J".utf8)
        case .jisX0208: Array("$B".utf8)
        case .jisX0212: Array("$(D".utf8)
        default: nil
        }
    }

    /// The glibc iconv charset for the sets converted through iconv rather than by table or by hand.
    /// JIS X 0208/0212 go through EUC-JP (GL bytes with the high bit set; 0x8F before JIS X 0212),
    /// KS X 1001 and GB 2312 through their EUC forms, which is what they are in G1.
    var iconvName: String {
        switch self {
        case .isoIR6, .latin1: "ISO-8859-1"
        case .latin2: "ISO-8859-2"
        case .latin3: "ISO-8859-3"
        case .latin4: "ISO-8859-4"
        case .cyrillic: "ISO-8859-5"
        case .arabic: "ISO-8859-6"
        case .greek: "ISO-8859-7"
        case .hebrew: "ISO-8859-8"
        case .latin5: "ISO-8859-9"
        case .latin9: "ISO-8859-15"
        case .thai: "TIS-620"
        case .jisX0201: "SHIFT_JIS"
        case .jisX0208, .jisX0212: "EUC-JP"
        case .ksX1001: "EUC-KR"
        case .gb2312: "EUC-CN"
        case .utf8: "UTF-8"
        case .gb18030: "GB18030"
        case .gbk: "GBK"
        }
    }

    // MARK: Defined terms

    /// The defined terms of PS3.3 Tables C.12-2 to C.12-5, plus the spellings pydicom also maps
    /// ("ISO 2022 58", "ISO 2022 GBK", from CP 1234).
    static let definedTerms: [String: CodedCharacterSet] = [
        "": .isoIR6, "ISO_IR 6": .isoIR6, "ISO 2022 IR 6": .isoIR6,
        "ISO_IR 100": .latin1, "ISO 2022 IR 100": .latin1,
        "ISO_IR 101": .latin2, "ISO 2022 IR 101": .latin2,
        "ISO_IR 109": .latin3, "ISO 2022 IR 109": .latin3,
        "ISO_IR 110": .latin4, "ISO 2022 IR 110": .latin4,
        "ISO_IR 144": .cyrillic, "ISO 2022 IR 144": .cyrillic,
        "ISO_IR 127": .arabic, "ISO 2022 IR 127": .arabic,
        "ISO_IR 126": .greek, "ISO 2022 IR 126": .greek,
        "ISO_IR 138": .hebrew, "ISO 2022 IR 138": .hebrew,
        "ISO_IR 148": .latin5, "ISO 2022 IR 148": .latin5,
        "ISO_IR 203": .latin9, "ISO 2022 IR 203": .latin9,
        "ISO_IR 166": .thai, "ISO 2022 IR 166": .thai,
        "ISO_IR 13": .jisX0201, "ISO 2022 IR 13": .jisX0201,
        "ISO 2022 IR 87": .jisX0208,
        "ISO 2022 IR 159": .jisX0212,
        "ISO 2022 IR 149": .ksX1001,
        "ISO 2022 IR 58": .gb2312, "ISO 2022 58": .gb2312,
        "ISO_IR 192": .utf8,
        "GB18030": .gb18030,
        "GBK": .gbk, "ISO 2022 GBK": .gbk,
    ]

    /// Reads one value of Specific Character Set the way pydicom's `convert_encodings` does: a defined
    /// term as is; "ISO IR 100", "ISO-IR 100" … as "ISO_IR 100"; "ISO_2022_IR_87" … as "ISO 2022 IR 87";
    /// anything else as the default repertoire. Also accepts a defined term in the wrong case, and
    /// (beyond pydicom) "ISO_IR100", the space left out, which modalities write.
    static func resolve(term raw: String) -> (set: CodedCharacterSet, issue: CharacterSetIssue?) {
        let term = trimmed(raw)
        if let set = definedTerms[term] { return (set, nil) }
        let characters = Array(term)
        var patched: String?
        if characters.count >= 6, characters.starts(with: "ISO"), characters[3] != "_",
           characters[4] == "I", characters[5] == "R" {
            patched = "ISO_IR" + String(characters[6...])
        } else if characters.count >= 12, characters.starts(with: "ISO"), String(characters[4...7]) == "2022",
                  String(characters[9...10]) == "IR", !term.hasPrefix("ISO 2022 IR ") {
            patched = "ISO 2022 IR " + String(characters[12...])
        } else if characters.count > 6, term.hasPrefix("ISO_IR"), characters[6...].allSatisfy({ $0.isASCII && $0.isNumber }) {
            patched = "ISO_IR " + String(characters[6...])
        }
        if let patched {
            if let set = definedTerms[patched] { return (set, .correctedTerm(raw, assumed: patched)) }
            return (.isoIR6, .unknownTerm(raw))
        }
        let upper = term.uppercased()
        if upper != term, let set = definedTerms[upper] { return (set, .correctedTerm(raw, assumed: upper)) }
        return (.isoIR6, .unknownTerm(raw))
    }

    /// A CS value without the leading and trailing spaces (or NUL padding) it may carry.
    private static func trimmed(_ term: String) -> String {
        let scalars = term.unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\0" }),
              let last = scalars.lastIndex(where: { $0 != " " && $0 != "\0" }) else { return "" }
        return String(scalars[first...last])
    }
}
