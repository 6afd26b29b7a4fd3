/// Encodes text with the character sets of Specific Character Set and ISO 2022 code extensions
/// (PS3.5 6.1.2.4–6.1.2.5), producing the byte sequences of PS3.5 Annexes H, I and K.
///
/// Like pydicom's `encode_string`, each character goes in the first listed set that can carry the
/// longest stretch of text from there; unlike it, the encoder tracks G0 and G1 separately, so it
/// writes an escape sequence only where the designation actually changes. Before every reset point
/// (PS3.5 6.1.2.5.3: control characters, "\", and "^" "=" in PN) and at the end of the value it
/// designates value 1's sets again, as the standard requires. GR bytes are only written with a
/// single-byte set in G0, so readers that take every escape sequence as a switch of the whole code
/// (pydicom) read them too. A character no listed set has is written as "?", as Python's
/// `errors="replace"` does.
struct ISO2022Encoder {
    let initialSet: CodedCharacterSet
    let extensions: [CodedCharacterSet]
    let terms: [String]

    /// How far ahead to look when choosing between sets that can all carry the next character.
    private static let lookahead = 32

    func encode(_ text: String, resets: CharacterSetResetPoints, log: inout CharacterSetIssueLog) -> [UInt8] {
        let scalars = Array(text.unicodeScalars)
        let initial = CodeElements(initial: initialSet)
        let candidates = [initialSet] + extensions.filter { $0 != initialSet }
        let lenient = candidates.contains(.isoIR6)
        let encoder = ScalarEncoder()
        var output: [UInt8] = []
        output.reserveCapacity(scalars.count + 8)
        var state = initial

        func designate(_ set: CodedCharacterSet) {
            if set.isMultiByteG0 {
                if state.g0 != set {
                    output += EscapeSequence.bytes(designating: set, toG0: true)
                    state.g0 = set
                }
            } else if state.g1 != set {
                output += EscapeSequence.bytes(designating: set, toG0: false)
                state.g1 = set
            }
        }
        func singleByteG0() {
            if state.g0.isMultiByteG0 {
                output += EscapeSequence.bytes(designating: initial.g0, toG0: true)
                state.g0 = initial.g0
            }
        }
        func restoreInitialState() {
            singleByteG0()
            if let g1 = initial.g1, state.g1 != g1 {
                output += EscapeSequence.bytes(designating: g1, toG0: false)
            }
            state = initial
        }
        /// How many characters from `start` `set` can carry before the next reset point.
        func reach(of set: CodedCharacterSet, from start: Int) -> Int {
            var index = start
            while index < scalars.count, index - start < Self.lookahead {
                let scalar = scalars[index]
                if resets.contains(scalar) { break }
                if scalar.value < 0x80 {
                    if set.isMultiByteG0 { break }
                } else if encoder.bytes(for: scalar, in: set) == nil {
                    break
                }
                index += 1
            }
            return index - start
        }

        for (index, scalar) in scalars.enumerated() {
            if resets.contains(scalar) {
                restoreInitialState()
                output.append(UInt8(scalar.value))
                continue
            }
            if scalar.value < 0x80 {
                singleByteG0()
                output.append(UInt8(scalar.value))
                continue
            }
            // Stay in the sets already designated when they have the character.
            if state.g0.isMultiByteG0, let bytes = encoder.bytes(for: scalar, in: state.g0) {
                output += bytes
                continue
            }
            if let g1 = state.g1, let bytes = encoder.bytes(for: scalar, in: g1) {
                singleByteG0()
                output += bytes
                continue
            }
            var best: (set: CodedCharacterSet, reach: Int)?
            for set in candidates where set != .isoIR6 && encoder.bytes(for: scalar, in: set) != nil {
                let reach = reach(of: set, from: index)
                if reach > (best?.reach ?? 0) { best = (set, reach) }
            }
            if let best, let bytes = encoder.bytes(for: scalar, in: best.set) {
                if !best.set.isMultiByteG0 { singleByteG0() }
                designate(best.set)
                output += bytes
            } else if lenient, state.g1 == nil, scalar.value <= 0xFF {
                singleByteG0()
                // pydicom writes the default repertoire as Latin-1; so do we, where nothing else fits
                // and no G1 set is designated that these bytes would be read in.
                output.append(UInt8(scalar.value))
            } else {
                singleByteG0()
                output.append(0x3F)
                log.unencodableCharacter(terms: terms)
            }
        }
        restoreInitialState()
        return output
    }
}
