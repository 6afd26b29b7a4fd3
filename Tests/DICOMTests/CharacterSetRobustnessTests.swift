import Testing
@testable import DICOM

/// Bad bytes never stop decoding: they become U+FFFD, as pydicom decodes with errors="replace"
/// after its warning, and the damage is reported. Characters no set has are written as "?".
@Suite struct CharacterSetRobustnessTests {
    private let esc: UInt8 = 0x1B

    @Test func replacesIllFormedUTF8() {
        var issues: [CharacterSetIssue] = []
        let text = SpecificCharacterSet(terms: ["ISO_IR 192"]).decode([0x41, 0xFF, 0xFE, 0x42][...], vr: .LO, issues: &issues)
        #expect(text == "A\u{FFFD}\u{FFFD}B")
        #expect(issues == [.undecodableBytes(count: 2, characterSet: "ISO_IR 192")])
    }

    @Test func replacesTruncatedUTF8AsPython() {
        let characterSet = SpecificCharacterSet(terms: ["ISO_IR 192"])
        #expect(characterSet.decode([0xE4, 0xB8][...], vr: .LO) == "\u{FFFD}")
        #expect(characterSet.decode([0xED, 0xA0, 0x80][...], vr: .LO) == "\u{FFFD}\u{FFFD}\u{FFFD}")
        #expect(characterSet.decode([0xEF, 0xBF, 0xBD][...], vr: .LO) == "\u{FFFD}")
    }

    @Test func replacesBytesASingleByteSetLeavesUndefined() {
        var issues: [CharacterSetIssue] = []
        let text = SpecificCharacterSet(terms: ["ISO_IR 127"]).decode([0xA1, 0xC7][...], vr: .LO, issues: &issues)
        #expect(text == "\u{FFFD}ا")
        #expect(issues == [.undecodableBytes(count: 1, characterSet: "ISO 2022 IR 127")])
    }

    @Test func replacesUnknownEscapeSequenceAndCarriesOn() {
        var issues: [CharacterSetIssue] = []
        let bytes: [UInt8] = [esc, 0x58, 0x59, 0xE9]
        let text = SpecificCharacterSet(terms: ["", "ISO 2022 IR 87"]).decode(bytes[...], vr: .LO, issues: &issues)
        #expect(text == "\u{FFFD}Yé")
        #expect(issues == [.unknownEscapeSequence([0x58])])
    }

    @Test func replacesEscapeAtTheEndOfTheValue() {
        let characterSet = SpecificCharacterSet(terms: ["", "ISO 2022 IR 87"])
        #expect(characterSet.decode([0x41, esc][...], vr: .LO) == "A\u{FFFD}")
        #expect(characterSet.decode([0x41, esc, 0x24][...], vr: .LO) == "A\u{FFFD}$")
    }

    @Test func replacesHalfAJISCharacter() {
        var issues: [CharacterSetIssue] = []
        let bytes: [UInt8] = [esc, 0x24, 0x42, 0x3B, 0x33, 0x45]
        let text = SpecificCharacterSet(terms: ["", "ISO 2022 IR 87"]).decode(bytes[...], vr: .LO, issues: &issues)
        #expect(text == "山\u{FFFD}")
        #expect(issues == [.undecodableBytes(count: 1, characterSet: "ISO 2022 IR 87")])
    }

    @Test func replacesBytesOutsideKSX1001() {
        let bytes: [UInt8] = [esc, 0x24, 0x29, 0x43, 0x85, 0xB1, 0xE8]
        #expect(SpecificCharacterSet(terms: ["", "ISO 2022 IR 149"]).decode(bytes[...], vr: .LO) == "\u{FFFD}김")
    }

    /// Without an escape sequence, bytes are read in value 1's set, as pydicom does: Latin-1 for
    /// the default repertoire, KS X 1001 when it is value 1.
    @Test func readsBytesWithoutEscapeSequenceInValueOneSet() {
        #expect(SpecificCharacterSet(terms: ["", "ISO 2022 IR 149"]).decode([0xB1, 0xE8][...], vr: .LO) == "±è")
        #expect(SpecificCharacterSet(terms: ["ISO 2022 IR 149"]).decode([0xB1, 0xE8][...], vr: .LO) == "김")
    }

    @Test func honoursAndReportsEscapeToUndeclaredSet() {
        var issues: [CharacterSetIssue] = []
        let bytes: [UInt8] = [esc, 0x24, 0x42, 0x3B, 0x33, 0x45, 0x44, esc, 0x28, 0x42]
        let text = SpecificCharacterSet(terms: ["ISO_IR 100"]).decode(bytes[...], vr: .PN, issues: &issues)
        #expect(text == "山田")
        #expect(issues == [.undeclaredEscapeSequence(term: "ISO 2022 IR 87")])
    }

    /// pydicom reads ISO_IR 13 with Python's Shift_JIS codec, which also takes the Shift_JIS kanji that
    /// some writers put there, and keeps 0x5C and 0x7E as "\" and "~".
    @Test func readsISOIR13AsShiftJISLikePydicom() {
        let text = SpecificCharacterSet(terms: ["ISO_IR 13"]).decode([0x8E, 0x52, 0x5C, 0x7E, 0xB1][...], vr: .LT)
        #expect(text == "山\\~ｱ")
    }

    /// pydicom writes "ESC $ B kanji ESC ) I katakana ^" and reads GL as ASCII again after ESC ) I;
    /// so do we. Our encoder returns G0 to romaji before katakana instead, which both readers take.
    @Test func readsASCIIAfterG1DesignationLikePydicom() {
        let characterSet = SpecificCharacterSet(terms: ["ISO 2022 IR 13", "ISO 2022 IR 87"])
        let pydicomBytes: [UInt8] = [esc, 0x24, 0x42, 0x3B, 0x33, esc, 0x29, 0x49, 0xB1, 0x5E, 0x41]
        #expect(characterSet.decode(pydicomBytes[...], vr: .PN) == "山ｱ^A")
        #expect(characterSet.encode("山ｱ^A", vr: .PN) == [esc, 0x24, 0x42, 0x3B, 0x33, esc, 0x28, 0x4A, 0xB1, 0x5E, 0x41])
    }

    /// KS X 1001 has codes for 2,350 Hangul syllables; the others are spelled with the eight-byte
    /// make-up sequences of its Annex 3, as Python (and so pydicom) reads and writes them.
    @Test func readsAndWritesHangulMakeUpSequences() {
        let characterSet = SpecificCharacterSet(terms: ["", "ISO 2022 IR 149"])
        let bytes: [UInt8] = [esc, 0x24, 0x29, 0x43, 0xA4, 0xD4, 0xA4, 0xA8, 0xA4, 0xC7, 0xA4, 0xB1, 0xB9, 0xE6]
        #expect(characterSet.decode(bytes[...], vr: .LO) == "똠방")
        #expect(characterSet.encode("똠방", vr: .LO) == bytes)
        // A trail byte 0xA4 followed by 0xD4 is not the start of a sequence.
        let aligned: [UInt8] = [esc, 0x24, 0x29, 0x43, 0xB0, 0xA4, 0xD4, 0xA4, 0xA8, 0xA4, 0xC7, 0xA4, 0xB1, 0xA4]
        #expect(characterSet.decode(aligned[...], vr: .LO) == "갇渡Ħ푄광")
    }

    @Test func readsStringVRsOutsideSpecificCharacterSetAsLatin1() {
        // PS3.5 6.1.2.3: only SH, LO, UC, ST, LT, UT and PN use the Specific Character Set.
        let characterSet = SpecificCharacterSet(terms: ["ISO_IR 192"])
        #expect(characterSet.decode([0xE9][...], vr: .CS) == "é")
        #expect(characterSet.encode("é", vr: .CS) == [0xE9])
    }

    @Test func writesUnencodableCharactersAsQuestionMarks() {
        var issues: [CharacterSetIssue] = []
        let bytes = SpecificCharacterSet(terms: ["ISO_IR 100"]).encode("Jé😀Ж", vr: .LO, issues: &issues)
        #expect(bytes == [0x4A, 0xE9, 0x3F, 0x3F])
        #expect(issues == [.unencodableCharacters(count: 2, terms: ["ISO_IR 100"])])
        #expect(SpecificCharacterSet(terms: ["GBK"]).encode("王😀", vr: .LO) == [0xCD, 0xF5, 0x3F])
        #expect(SpecificCharacterSet.default.encode("Ж", vr: .LO) == [0x3F])
    }

    /// Unlike pydicom, which writes the whole value with replacement characters in value 1's set as
    /// soon as one character fits no set, only that character is lost.
    @Test func keepsEncodableCharactersAroundUnencodableOne() {
        let bytes = SpecificCharacterSet(terms: ["", "ISO 2022 IR 87"]).encode("山田😀", vr: .LO)
        #expect(bytes == [esc, 0x24, 0x42, 0x3B, 0x33, 0x45, 0x44, esc, 0x28, 0x42, 0x3F])
    }

    @Test func neverFailsOnArbitraryBytes() {
        let termLists: [[String]] = [
            [], ["ISO_IR 192"], ["GB18030"], ["GBK"], ["ISO_IR 13"], ["ISO_IR 166"], ["ISO_IR 127"],
            ["", "ISO 2022 IR 87", "ISO 2022 IR 159"], ["ISO 2022 IR 13", "ISO 2022 IR 87"],
            ["", "ISO 2022 IR 149"], ["", "ISO 2022 IR 58"], ["ISO 2022 IR 100", "ISO 2022 IR 144"],
        ]
        var generator = SplitMix64(seed: 0x5EED)
        // Escape sequences and their pieces, so that random values switch sets often.
        let pieces: [[UInt8]] = [[esc, 0x24, 0x42], [esc, 0x28, 0x42], [esc, 0x28, 0x4A], [esc, 0x24, 0x28, 0x44],
                                 [esc, 0x24, 0x29, 0x43], [esc, 0x24, 0x29, 0x41], [esc, 0x2D, 0x4C], [esc], [0x5E], [0x5C]]
        for _ in 0..<400 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(generator.next() % 40) {
                if generator.next() % 4 == 0 {
                    bytes += pieces[Int(generator.next() % UInt64(pieces.count))]
                } else {
                    bytes.append(UInt8(truncatingIfNeeded: generator.next()))
                }
            }
            for terms in termLists {
                let characterSet = SpecificCharacterSet(terms: terms)
                for vr in [VR.PN, .LO, .LT] {
                    let text = characterSet.decode(bytes[...], vr: vr)
                    #expect(text.unicodeScalars.count <= bytes.count)
                    // Whatever was read writes back and reads the same, less what no set can carry.
                    let encoded = characterSet.encode(text, vr: vr)
                    _ = characterSet.decode(encoded[...], vr: vr)
                }
            }
        }
    }

    @Test func decodesFromManyTasksAtOnce() async {
        let characterSet = SpecificCharacterSet(terms: ["ISO 2022 IR 13", "ISO 2022 IR 87", "ISO 2022 IR 149"])
        let bytes = characterSet.encode("ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=홍^길동", vr: .PN)
        let results = await withTaskGroup(of: String.self) { group in
            for _ in 0..<64 {
                group.addTask { characterSet.decode(bytes[...], vr: .PN) }
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(results.count == 64)
        #expect(Set(results) == ["ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=홍^길동"])
    }
}
