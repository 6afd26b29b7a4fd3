/// The character sets of Specific Character Set (0008,0005), and the decoding and encoding of text
/// values with them (PS3.5 6.1, PS3.3 C.12.1.1.2).
///
/// - Single-byte sets without code extensions: the default repertoire, ISO_IR 100, 101, 109, 110,
///   144, 127, 126, 138, 148, 203, 166 and 13; stand-alone ISO_IR 192 (UTF-8), GB18030 and GBK.
/// - With code extensions: the ISO 2022 forms of those single-byte sets, and the multi-byte
///   ISO 2022 IR 87 (JIS X 0208), 159 (JIS X 0212), 149 (KS X 1001) and 58 (GB 2312). Escape
///   sequences switch G0 and G1 inside a value; at control characters, at "\" between values and,
///   in PN, at "^" and "=" the state returns to value 1's sets (PS3.5 6.1.2.5.3).
///
/// The terms are read as pydicom 3 reads them: misspellings such as "ISO IR 100" are corrected,
/// unknown terms fall back to the default repertoire, and stand-alone sets drop code extensions;
/// see `termIssues`. The default repertoire is read and written as Latin-1 compatible, as pydicom
/// does, so bytes above 0x7F in data without (0008,0005) survive a round trip.
///
/// Creating one costs a dictionary look-up per term; it holds no converter. Conversions use tables
/// made once from glibc's iconv for the single-byte sets and iconv converters opened per call for
/// the multi-byte ones, so any number of threads can use one value.
public struct SpecificCharacterSet: Sendable, Hashable {
    /// The values of (0008,0005) as given, e.g. ["", "ISO 2022 IR 87"].
    public let terms: [String]
    /// What was wrong with the terms and how it was read instead; empty for a valid attribute.
    public let termIssues: [CharacterSetIssue]
    let scheme: Scheme

    enum Scheme: Sendable, Hashable {
        /// UTF-8, GB18030 or GBK: one character set, no escape sequences (PS3.5 6.1.2.5.4 d).
        case standalone(CodedCharacterSet)
        /// Value 1's set (the default repertoire when empty) and the code extensions, in term order.
        case iso2022(initial: CodedCharacterSet, extensions: [CodedCharacterSet])
    }

    public static let `default` = SpecificCharacterSet(terms: [])

    /// The defined terms this decoder reads (PS3.3 C.12.1.1.2), sorted; the default repertoire's
    /// empty value is left out.
    public static var definedTerms: [String] {
        CodedCharacterSet.definedTerms.keys.filter { !$0.isEmpty }.sorted()
    }

    public init(terms: [String]) {
        self.terms = terms
        var issues: [CharacterSetIssue] = []
        var resolved: [(term: String, set: CodedCharacterSet)] = []
        for term in terms.isEmpty ? [""] : terms {
            let (set, issue) = CodedCharacterSet.resolve(term: term)
            if let issue { issues.append(issue) }
            resolved.append((term, set))
        }
        let initial = resolved[0]
        if initial.set.isStandalone {
            if resolved.count > 1 {
                issues.append(.codeExtensionsIgnored(first: initial.term, ignored: resolved.dropFirst().map(\.term)))
            }
            scheme = .standalone(initial.set)
        } else {
            var extensions: [CodedCharacterSet] = []
            for (term, set) in resolved.dropFirst() {
                if set.isStandalone {
                    issues.append(.standaloneTermIgnored(term))
                } else if !extensions.contains(set) {
                    extensions.append(set)
                }
            }
            scheme = .iso2022(initial: initial.set, extensions: extensions)
        }
        termIssues = issues
    }

    /// True when (0008,0005) lists more than one set, i.e. values may contain escape sequences.
    public var usesCodeExtensions: Bool {
        if case .iso2022(_, let extensions) = scheme { !extensions.isEmpty } else { false }
    }

    // MARK: Decoding

    /// Decodes a whole value (all of its backslash-separated values at once). Never fails: bytes
    /// that cannot be decoded become U+FFFD. Padding is kept; the caller strips it.
    public func decode(_ bytes: ArraySlice<UInt8>, vr: VR) -> String {
        var issues: [CharacterSetIssue] = []
        return decode(bytes, vr: vr, issues: &issues)
    }

    /// Decodes a whole value and appends to `issues` what had to be repaired on the way.
    public func decode(_ bytes: ArraySlice<UInt8>, vr: VR, issues: inout [CharacterSetIssue]) -> String {
        // Every set here reads 0x00–0x7F as ASCII (pydicom's Shift_JIS included), so plain ASCII
        // without escape sequences needs no conversion.
        if bytes.allSatisfy({ $0 < 0x80 && $0 != EscapeSequence.escape }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        // Other string VRs use the default repertoire (PS3.5 6.1.2.3), which pydicom reads as Latin-1.
        guard vr.usesSpecificCharacterSet else { return Self.latin1(bytes) }
        var log = CharacterSetIssueLog()
        let text: String
        switch scheme {
        case .standalone(.utf8):
            text = Self.decodeUTF8(bytes, &log)
        case .standalone(let set):
            let converters = IconvConverters(.toUTF8)
            var decoded = ""
            ISO2022Decoder.decodeWithIconv(bytes, set: set, into: &decoded, converters, &log)
            text = decoded
        case let .iso2022(initial, extensions):
            let decoder = ISO2022Decoder(initial: CodeElements(initial: initial), declared: Set([initial] + extensions))
            text = decoder.decode(bytes, resets: CharacterSetResetPoints(vr: vr), log: &log)
        }
        issues += log.issues
        return text
    }

    // MARK: Encoding

    /// Encodes a whole value (values joined by backslash, PN groups by "^" and "="), without padding.
    /// Never fails: a character that no listed set has is written as "?".
    public func encode(_ text: String, vr: VR) -> [UInt8] {
        var issues: [CharacterSetIssue] = []
        return encode(text, vr: vr, issues: &issues)
    }

    /// Encodes a whole value and appends to `issues` what could not be represented.
    public func encode(_ text: String, vr: VR, issues: inout [CharacterSetIssue]) -> [UInt8] {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return Array(text.utf8) }
        var log = CharacterSetIssueLog()
        let bytes: [UInt8]
        if !vr.usesSpecificCharacterSet {
            bytes = text.unicodeScalars.map { scalar in
                if scalar.value <= 0xFF { return UInt8(scalar.value) }
                log.unencodableCharacter(terms: [])
                return 0x3F
            }
        } else {
            switch scheme {
            case .standalone(.utf8):
                bytes = Array(text.utf8)
            case .standalone(let set):
                bytes = Self.encodeWithIconv(text, set: set, terms: terms, &log)
            case let .iso2022(initial, extensions):
                let encoder = ISO2022Encoder(initialSet: initial, extensions: extensions, terms: terms)
                bytes = encoder.encode(text, resets: CharacterSetResetPoints(vr: vr), log: &log)
            }
        }
        issues += log.issues
        return bytes
    }

    // MARK: Helpers

    private static func latin1(_ bytes: ArraySlice<UInt8>) -> String {
        var text = ""
        text.unicodeScalars.reserveCapacity(bytes.count)
        for byte in bytes { text.unicodeScalars.append(Unicode.Scalar(byte)) }
        return text
    }

    /// UTF-8 with each ill-formed subsequence replaced by U+FFFD, as Python's decoder does too.
    private static func decodeUTF8(_ bytes: ArraySlice<UInt8>, _ log: inout CharacterSetIssueLog) -> String {
        if let valid = String(validating: bytes, as: UTF8.self) { return valid }
        let text = String(decoding: bytes, as: UTF8.self)
        // Count the repairs: the U+FFFD in the result that were not already encoded in the input.
        var genuine = 0
        var index = bytes.startIndex
        while index + 2 < bytes.endIndex {
            if bytes[index] == 0xEF, bytes[index + 1] == 0xBF, bytes[index + 2] == 0xBD { genuine += 1 }
            index += 1
        }
        let replaced = text.unicodeScalars.count { $0 == ISO2022Decoder.replacement }
        log.undecodableBytes(max(1, replaced - genuine), in: CodedCharacterSet.utf8.term)
        return text
    }

    private static func encodeWithIconv(
        _ text: String, set: CodedCharacterSet, terms: [String], _ log: inout CharacterSetIssueLog
    ) -> [UInt8] {
        guard let converter = IconvConverter(from: "UTF-8", to: set.iconvName) else {
            return text.unicodeScalars.map { scalar in
                if scalar.value < 0x80 { return UInt8(scalar.value) }
                log.unencodableCharacter(terms: terms)
                return 0x3F
            }
        }
        let (bytes, replacements) = converter.convert(
            text.utf8, replacement: [0x3F], skip: IconvConverter.utf8SequenceLength)
        for _ in 0..<replacements { log.unencodableCharacter(terms: terms) }
        return bytes
    }
}
