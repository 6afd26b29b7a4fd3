/// Decodes a text value under ISO 2022 code extensions (PS3.5 6.1.2.4–6.1.2.5).
///
/// The value is cut into runs of bytes read under one state of the code elements: escape sequences
/// change the state, and the reset points of PS3.5 6.1.2.5.3 return it to the initial state. Each run
/// is converted with the table or iconv converter of the sets in force. Bad bytes become U+FFFD, the
/// way pydicom reads them after its warning; nothing here fails.
struct ISO2022Decoder {
    let initial: CodeElements
    /// The sets Specific Character Set lists; escape sequences to others are still honoured, and reported.
    let declared: Set<CodedCharacterSet>

    func decode(_ bytes: ArraySlice<UInt8>, resets: CharacterSetResetPoints, log: inout CharacterSetIssueLog) -> String {
        var text = ""
        text.unicodeScalars.reserveCapacity(bytes.count)
        let converters = IconvConverters(.toUTF8)
        var state = initial
        var runStart = bytes.startIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == EscapeSequence.escape {
                decodeRun(bytes[runStart..<index], in: state, into: &text, converters, &log)
                let sequence = EscapeSequence(parsing: bytes[index...])
                switch sequence.meaning {
                case .designateG0(let set):
                    state.g0 = set
                    noteDesignation(of: set, &log)
                case .designateG1(let set):
                    state.g1 = set
                    // pydicom reads every escape sequence as a switch of the whole code, so after
                    // ESC ) I or ESC $ ) C it reads GL as ASCII again, and writes values that rely on
                    // it (ESC $ B kanji ESC ) I katakana ^). Strict ISO 2022 would keep the
                    // multi-byte set in G0; no writer we know of depends on that.
                    if state.g0.isMultiByteG0 { state.g0 = initial.g0 }
                    noteDesignation(of: set, &log)
                case .unknown, .malformed:
                    text.unicodeScalars.append(Self.replacement)
                    log.unknownEscape(sequence.body)
                }
                index += sequence.length
                runStart = index
                continue
            }
            // In JIS X 0208/0212 every GL byte is half of a character, so only control characters
            // (which cannot be) end the multi-byte state there.
            if state != initial, resets.contains(byte), !state.g0.isMultiByteG0 || byte < 0x20 {
                decodeRun(bytes[runStart..<index], in: state, into: &text, converters, &log)
                state = initial
                runStart = index
            }
            index += 1
        }
        decodeRun(bytes[runStart..<bytes.endIndex], in: state, into: &text, converters, &log)
        return text
    }

    private func noteDesignation(of set: CodedCharacterSet, _ log: inout CharacterSetIssueLog) {
        if set != .isoIR6, !declared.contains(set) { log.undeclaredEscape(set) }
    }

    static let replacement: Unicode.Scalar = "\u{FFFD}"

    // MARK: Runs

    private func decodeRun(
        _ run: ArraySlice<UInt8>, in state: CodeElements, into text: inout String,
        _ converters: IconvConverters, _ log: inout CharacterSetIssueLog
    ) {
        guard !run.isEmpty else { return }
        if state.g0.isMultiByteG0 {
            decodeMultiByteG0Run(run, state: state, into: &text, converters, &log)
        } else {
            Self.decodeSingleByteG0Run(run, g1: state.g1, into: &text, converters, &log)
        }
    }

    /// Bytes read with ASCII (or JIS X 0201 romaji, which pydicom reads as ASCII) in G0 and `g1` in G1.
    /// Each G1 set is converted together with its G0 half through a charset that has both.
    static func decodeSingleByteG0Run(
        _ run: ArraySlice<UInt8>, g1: CodedCharacterSet?, into text: inout String,
        _ converters: IconvConverters, _ log: inout CharacterSetIssueLog
    ) {
        switch g1 {
        case nil, .isoIR6?, .latin1?:
            // pydicom reads the default repertoire as Latin-1 ("iso8859"), so no byte is refused.
            for byte in run { text.unicodeScalars.append(Unicode.Scalar(byte)) }
        case .jisX0201?:
            // As pydicom: Shift_JIS, which is JIS X 0201 in single bytes (and reads the Shift_JIS kanji
            // some writers put under ISO_IR 13). Like Python, 0x5C and 0x7E stay "\" and "~".
            decodeWithIconv(run, set: .jisX0201, into: &text, converters, &log) { scalar in
                switch scalar {
                case "\u{A5}": "\\"
                case "\u{203E}": "~"
                default: scalar
                }
            }
        case .ksX1001?:
            decodeKSX1001Run(run, into: &text, converters, &log)
        case .gb2312?:
            decodeWithIconv(run, set: .gb2312, into: &text, converters, &log)
        case let set?:
            guard let table = SingleByteTable.of(set) else {
                // Only JIS X 0208/0212 and the stand-alone sets are left, none of which can be in G1.
                for byte in run { text.unicodeScalars.append(Unicode.Scalar(byte)) }
                return
            }
            var bad = 0
            for byte in run {
                if let scalar = table.decode(byte) {
                    text.unicodeScalars.append(scalar)
                } else {
                    text.unicodeScalars.append(replacement)
                    bad += 1
                }
            }
            log.undecodableBytes(bad, in: set.term)
        }
    }

    /// KS X 1001 in G1 with ASCII in G0, as EUC-KR, plus the make-up sequences glibc does not know.
    private static func decodeKSX1001Run(
        _ run: ArraySlice<UInt8>, into text: inout String,
        _ converters: IconvConverters, _ log: inout CharacterSetIssueLog
    ) {
        var start = run.startIndex
        var index = run.startIndex
        var c1 = 0
        func flush(upTo end: Int, _ text: inout String, _ log: inout CharacterSetIssueLog) {
            guard start < end else { return }
            // glibc's EUC-KR passes 0x80–0xA0 through as C1 controls; they are not KS X 1001.
            decodeWithIconv(run[start..<end], set: .ksX1001, into: &text, converters, &log) { scalar in
                guard (0x80...0x9F).contains(scalar.value) else { return scalar }
                c1 += 1
                return replacement
            }
        }
        while index < run.endIndex {
            let byte = run[index]
            if byte == 0xA4, let syllable = HangulMakeUpSequence.syllable(at: run[index...]) {
                flush(upTo: index, &text, &log)
                text.unicodeScalars.append(syllable)
                index += HangulMakeUpSequence.length
                start = index
            } else {
                // Step by whole characters, so a trail byte is never taken for the start of a sequence.
                index += (0xA1...0xFE).contains(byte) ? 2 : 1
            }
        }
        flush(upTo: run.endIndex, &text, &log)
        log.undecodableBytes(c1, in: CodedCharacterSet.ksX1001.term)
    }

    /// Bytes read with JIS X 0208 or JIS X 0212 in G0: GL bytes pair up into characters, converted as
    /// EUC-JP (the same code points with the high bit set, after 0x8F for JIS X 0212); space and
    /// control characters are themselves; GR bytes are read in G1.
    private func decodeMultiByteG0Run(
        _ run: ArraySlice<UInt8>, state: CodeElements, into text: inout String,
        _ converters: IconvConverters, _ log: inout CharacterSetIssueLog
    ) {
        let supplementary = state.g0 == .jisX0212
        var euc: [UInt8] = []
        func flush(_ text: inout String, _ log: inout CharacterSetIssueLog) {
            guard !euc.isEmpty else { return }
            Self.decodeWithIconv(euc[...], set: state.g0, into: &text, converters, &log)
            euc.removeAll(keepingCapacity: true)
        }
        var index = run.startIndex
        while index < run.endIndex {
            let byte = run[index]
            switch byte {
            case 0x21...0x7E:
                let next = run.index(after: index)
                guard next < run.endIndex, (0x21...0x7E).contains(run[next]) else {
                    flush(&text, &log)
                    text.unicodeScalars.append(Self.replacement)
                    log.undecodableBytes(1, in: state.g0.term)
                    index = next
                    continue
                }
                if supplementary, byte == 0x22, run[next] == 0x37 {
                    // Python's JIS X 0212 table (and so pydicom) has "~" here; glibc has U+FF5E.
                    flush(&text, &log)
                    text.unicodeScalars.append("~")
                } else {
                    if supplementary { euc.append(0x8F) }
                    euc.append(byte | 0x80)
                    euc.append(run[next] | 0x80)
                }
                index = run.index(after: next)
            case 0x80...:
                flush(&text, &log)
                let end = run[index...].firstIndex(where: { $0 < 0x80 }) ?? run.endIndex
                Self.decodeSingleByteG0Run(run[index..<end], g1: state.g1, into: &text, converters, &log)
                index = end
            default:
                euc.append(byte)  // space, DEL and controls: ASCII in EUC-JP too
                index = run.index(after: index)
            }
        }
        flush(&text, &log)
    }

    static func decodeWithIconv(
        _ bytes: ArraySlice<UInt8>, set: CodedCharacterSet, into text: inout String,
        _ converters: IconvConverters, _ log: inout CharacterSetIssueLog,
        adjust: (Unicode.Scalar) -> Unicode.Scalar = { $0 }
    ) {
        guard let converter = converters.converter(set.iconvName) else {
            // No converter in this C library: keep ASCII, replace the rest.
            var bad = 0
            for byte in bytes {
                text.unicodeScalars.append(byte < 0x80 ? Unicode.Scalar(byte) : replacement)
                if byte >= 0x80 { bad += 1 }
            }
            log.undecodableBytes(bad, in: set.term)
            return
        }
        let (decoded, replacements) = converter.decode(bytes)
        for scalar in decoded.unicodeScalars { text.unicodeScalars.append(adjust(scalar)) }
        log.undecodableBytes(replacements, in: set.term)
    }
}
