import Testing
@testable import DICOM

private let esc: UInt8 = 0x1B

private func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

/// The examples of PS3.5 Annexes H (Japanese), I (Korean), J and K (Chinese, UTF-8), decoded and
/// encoded byte for byte, and character set switching inside one value (PS3.5 6.1.2.5).
@Suite struct CharacterSetTests {
    // MARK: Annex H, Japanese

    /// PS3.5 H.3.1: ISO 2022 IR 87 for the ideographic and phonetic groups, ISO-IR 6 elsewhere.
    static let h31Bytes: [UInt8] =
        ascii("Yamada^Tarou=") + [esc] + ascii("$B;3ED") + [esc] + ascii("(B^") + [esc] + ascii("$BB@O:") + [esc]
        + ascii("(B=") + [esc] + ascii("$B$d$^$@") + [esc] + ascii("(B^") + [esc] + ascii("$B$?$m$&") + [esc] + ascii("(B")

    @Test func decodesJapanesePersonNameOfAnnexH31() {
        let characterSet = SpecificCharacterSet(terms: ["", "ISO 2022 IR 87"])
        #expect(characterSet.decode(Self.h31Bytes[...], vr: .PN) == "Yamada^Tarou=山田^太郎=やまだ^たろう")
    }

    @Test func encodesJapanesePersonNameOfAnnexH31() {
        let characterSet = SpecificCharacterSet(terms: ["", "ISO 2022 IR 87"])
        #expect(characterSet.encode("Yamada^Tarou=山田^太郎=やまだ^たろう", vr: .PN) == Self.h31Bytes)
    }

    /// PS3.5 H.3.2: JIS X 0201 katakana (ISO 2022 IR 13) as value 1, so the escape back from
    /// JIS X 0208 is ESC ( J, to JIS X 0201 romaji.
    static let h32Bytes: [UInt8] =
        [0xD4, 0xCF, 0xC0, 0xDE, 0x5E, 0xC0, 0xDB, 0xB3, 0x3D] + [esc] + ascii("$B;3ED") + [esc] + ascii("(J^")
        + [esc] + ascii("$BB@O:") + [esc] + ascii("(J=") + [esc] + ascii("$B$d$^$@") + [esc] + ascii("(J^")
        + [esc] + ascii("$B$?$m$&") + [esc] + ascii("(J")

    @Test func decodesJapanesePersonNameOfAnnexH32() {
        let characterSet = SpecificCharacterSet(terms: ["ISO 2022 IR 13", "ISO 2022 IR 87"])
        #expect(characterSet.decode(Self.h32Bytes[...], vr: .PN) == "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう")
    }

    @Test func encodesJapanesePersonNameOfAnnexH32() {
        let characterSet = SpecificCharacterSet(terms: ["ISO 2022 IR 13", "ISO 2022 IR 87"])
        #expect(characterSet.encode("ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう", vr: .PN) == Self.h32Bytes)
    }

    /// JIS X 0212 (ISO 2022 IR 159) is designated to G0 by ESC $ ( D.
    @Test func decodesAndEncodesSupplementaryKanjiOfJISX0212() {
        let characterSet = SpecificCharacterSet(terms: ["", "ISO 2022 IR 87", "ISO 2022 IR 159"])
        let bytes: [UInt8] = [esc] + ascii("$(D0!0\"") + [esc] + ascii("(B")
        #expect(characterSet.decode(bytes[...], vr: .LO) == "丂丄")
        #expect(characterSet.encode("丂丄", vr: .LO) == bytes)
    }

    // MARK: Annex I, Korean

    /// PS3.5 I.2: KS X 1001 in G1, designated again after every delimiter.
    static let i2Bytes: [UInt8] =
        ascii("Hong^Gildong=") + [esc] + ascii("$)C") + [0xFB, 0xF3, 0x5E] + [esc] + ascii("$)C")
        + [0xD1, 0xCE, 0xD4, 0xD7, 0x3D] + [esc] + ascii("$)C") + [0xC8, 0xAB, 0x5E] + [esc] + ascii("$)C")
        + [0xB1, 0xE6, 0xB5, 0xBF]

    @Test func decodesKoreanPersonNameOfAnnexI2() {
        let characterSet = SpecificCharacterSet(terms: ["", "ISO 2022 IR 149"])
        #expect(characterSet.decode(Self.i2Bytes[...], vr: .PN) == "Hong^Gildong=洪^吉洞=홍^길동")
    }

    @Test func encodesKoreanPersonNameOfAnnexI2() {
        let characterSet = SpecificCharacterSet(terms: ["", "ISO 2022 IR 149"])
        #expect(characterSet.encode("Hong^Gildong=洪^吉洞=홍^길동", vr: .PN) == Self.i2Bytes)
    }

    // MARK: Annexes J and K, Chinese and UTF-8

    /// The UTF-8 example (Specific Character Set ISO_IR 192).
    static let utf8Bytes: [UInt8] = ascii("Wang^XiaoDong=") + [0xE7, 0x8E, 0x8B, 0x5E, 0xE5, 0xB0, 0x8F, 0xE6, 0x9D, 0xB1, 0x3D]

    @Test func decodesAndEncodesChinesePersonNameInUTF8() {
        let characterSet = SpecificCharacterSet(terms: ["ISO_IR 192"])
        #expect(characterSet.decode(Self.utf8Bytes[...], vr: .PN) == "Wang^XiaoDong=王^小東=")
        #expect(characterSet.encode("Wang^XiaoDong=王^小東=", vr: .PN) == Self.utf8Bytes)
    }

    /// PS3.5 J.3, GB18030; the same bytes in GBK.
    static let gb18030Bytes: [UInt8] = ascii("Wang^XiaoDong=") + [0xCD, 0xF5, 0x5E, 0xD0, 0xA1, 0xB6, 0xAB, 0x3D]

    @Test(arguments: ["GB18030", "GBK"])
    func decodesAndEncodesChinesePersonNameInGB18030AndGBK(term: String) {
        let characterSet = SpecificCharacterSet(terms: [term])
        #expect(characterSet.decode(Self.gb18030Bytes[...], vr: .PN) == "Wang^XiaoDong=王^小东=")
        #expect(characterSet.encode("Wang^XiaoDong=王^小东=", vr: .PN) == Self.gb18030Bytes)
    }

    @Test func encodesCharactersOutsideGBKWithFourByteGB18030() {
        let characterSet = SpecificCharacterSet(terms: ["GB18030"])
        let bytes = characterSet.encode("😀", vr: .LO)
        #expect(bytes.count == 4)
        #expect(characterSet.decode(bytes[...], vr: .LO) == "😀")
    }

    /// PS3.5 K.2: GB 2312 (ISO 2022 IR 58) in G1 with ASCII in G0, designated in each component group.
    static let k2Bytes: [UInt8] =
        ascii("Zhang^XiaoDong=") + [esc] + ascii("$)A") + [0xD5, 0xC5, 0x5E] + [esc] + ascii("$)A")
        + [0xD0, 0xA1, 0xB6, 0xAB, 0x3D]

    @Test func decodesChinesePersonNameOfAnnexK2() {
        let characterSet = SpecificCharacterSet(terms: ["", "ISO 2022 IR 58"])
        #expect(characterSet.decode((Self.k2Bytes + [0x20])[...], vr: .PN) == "Zhang^XiaoDong=张^小东= ")
    }

    @Test func encodesChinesePersonNameOfAnnexK2() {
        let characterSet = SpecificCharacterSet(terms: ["", "ISO 2022 IR 58"])
        #expect(characterSet.encode("Zhang^XiaoDong=张^小东=", vr: .PN) == Self.k2Bytes)
    }

    /// PS3.5 K.3: a Long Text whose lines start in ASCII, switch to GB 2312 and end in ASCII.
    @Test func decodesChineseLongTextOfAnnexK3() {
        let characterSet = SpecificCharacterSet(terms: ["", "ISO 2022 IR 58"])
        var bytes: [UInt8] = []
        for (number, middle) in [("1", [0xD2, 0xBB] as [UInt8]), ("2", [0xB6, 0xFE]), ("3", [0xC8, 0xFD])] {
            bytes += ascii(number + ".") + [esc] + ascii("$)A")
            bytes += [0xB5, 0xDA] + middle + [0xD0, 0xD0, 0xCE, 0xC4, 0xD7, 0xD6, 0xA1, 0xA3]
            bytes += [esc] + ascii("(B") + [0x0D, 0x0A]
        }
        bytes.append(0x20)
        let text = "1.第一行文字。\r\n2.第二行文字。\r\n3.第三行文字。\r\n "
        #expect(characterSet.decode(bytes[...], vr: .LT) == text)
        let encoded = characterSet.encode(text, vr: .LT)
        #expect(characterSet.decode(encoded[...], vr: .LT) == text)
    }

    // MARK: Switching inside one value

    @Test func switchesBetweenSingleByteSetsInsideOneValue() {
        let characterSet = SpecificCharacterSet(terms: ["ISO 2022 IR 100", "ISO 2022 IR 144", "ISO 2022 IR 126"])
        let text = "Jérôme\\Люк\\Δίας"
        let bytes: [UInt8] = ascii("J") + [0xE9, 0x72, 0xF4] + ascii("me\\")
            + [esc] + ascii("-L") + [0xBB, 0xEE, 0xDA] + [esc] + ascii("-A\\")
            + [esc] + ascii("-F") + [0xC4, 0xDF, 0xE1, 0xF2] + [esc] + ascii("-A")
        #expect(characterSet.encode(text, vr: .LO) == bytes)
        #expect(characterSet.decode(bytes[...], vr: .LO) == text)
    }

    @Test func switchesBetweenJapaneseSetsInsideOneValue() {
        let characterSet = SpecificCharacterSet(terms: ["ISO 2022 IR 13", "ISO 2022 IR 87", "ISO 2022 IR 159"])
        let text = "ﾔﾏﾀﾞ山田丂Tarou"
        let bytes: [UInt8] = [0xD4, 0xCF, 0xC0, 0xDE] + [esc] + ascii("$B;3ED")
            + [esc] + ascii("$(D0!") + [esc] + ascii("(JTarou")
        #expect(characterSet.encode(text, vr: .LO) == bytes)
        #expect(characterSet.decode(bytes[...], vr: .LO) == text)
    }

    @Test func switchesBetweenJapaneseAndKoreanInsideOneValue() {
        let characterSet = SpecificCharacterSet(terms: ["", "ISO 2022 IR 87", "ISO 2022 IR 149"])
        let text = "山田=홍길동"
        let bytes: [UInt8] = [esc] + ascii("$B;3ED") + [esc] + ascii("(B=")
            + [esc] + ascii("$)C") + [0xC8, 0xAB, 0xB1, 0xE6, 0xB5, 0xBF]
        #expect(characterSet.encode(text, vr: .PN) == bytes)
        #expect(characterSet.decode(bytes[...], vr: .PN) == text)
    }

    /// Korean text with spaces stays in KS X 1001 (ASCII in G0 beside it) rather than taking the
    /// ideograph from JIS X 0208, as pydicom also prefers the set that carries the longest stretch.
    @Test func prefersTheSetThatCarriesTheLongestStretch() {
        let characterSet = SpecificCharacterSet(terms: ["", "ISO 2022 IR 87", "ISO 2022 IR 149"])
        let bytes = characterSet.encode("洪 길동", vr: .LO)
        #expect(bytes == [esc] + ascii("$)C") + [0xFB, 0xF3, 0x20, 0xB1, 0xE6, 0xB5, 0xBF])
    }

    /// A writer should return to value 1's set before "\" (PS3.5 6.1.2.5.3); a reader starts over there
    /// even when it did not.
    @Test func returnsToTheInitialSetAtValueDelimiter() {
        let characterSet = SpecificCharacterSet(terms: ["ISO 2022 IR 100", "ISO 2022 IR 144"])
        let bytes: [UInt8] = [esc] + ascii("-L") + [0xB6, 0x5C, 0xE9]
        #expect(characterSet.decode(bytes[...], vr: .LO) == "Ж\\é")
        // In LT a backslash is a character, not a delimiter, so the designation holds.
        #expect(characterSet.decode(bytes[...], vr: .LT) == "Ж\\щ")
    }

    @Test func returnsToTheInitialSetAtPersonNameDelimiters() {
        let characterSet = SpecificCharacterSet(terms: ["ISO 2022 IR 100", "ISO 2022 IR 144"])
        let bytes: [UInt8] = [esc] + ascii("-L") + [0xB6, 0x5E, 0xE9, 0x3D, 0xE9]
        #expect(characterSet.decode(bytes[...], vr: .PN) == "Ж^é=é")
        #expect(characterSet.decode(bytes[...], vr: .LO) == "Ж^щ=щ")
    }

    @Test func returnsToTheInitialSetAtControlCharacters() {
        let characterSet = SpecificCharacterSet(terms: ["ISO 2022 IR 100", "ISO 2022 IR 144"])
        let bytes: [UInt8] = [esc] + ascii("-L") + [0xB6, 0x0D, 0x0A, 0xE9, 0x09, esc] + ascii("-L")
            + [0xB6, 0x0C, 0xE9]
        #expect(characterSet.decode(bytes[...], vr: .LT) == "Ж\r\né\tЖ\u{0C}é")
    }

    /// Before a delimiter the encoder designates value 1's sets again, so readers that do not reset
    /// there (pydicom, for "^") read the same text.
    @Test func encoderRestoresValueOneSetsBeforeDelimiters() {
        let characterSet = SpecificCharacterSet(terms: ["ISO 2022 IR 100", "ISO 2022 IR 144"])
        let bytes = characterSet.encode("Ж^é", vr: .PN)
        #expect(bytes == [esc] + ascii("-L") + [0xB6, esc] + ascii("-A^") + [0xE9])
    }

    @Test func encoderReturnsToASCIIBeforeSpacesAndLineEnds() {
        let characterSet = SpecificCharacterSet(terms: ["", "ISO 2022 IR 87"])
        let bytes = characterSet.encode("山田 太郎\r\n", vr: .LT)
        #expect(bytes == [esc] + ascii("$B;3ED") + [esc] + ascii("(B ") + [esc]
            + ascii("$BB@O:") + [esc] + ascii("(B\r\n"))
    }

    // MARK: Single-byte sets

    struct SingleByteExample: Sendable, CustomTestStringConvertible {
        let term: String
        let text: String
        let bytes: [UInt8]
        var testDescription: String { term }
    }

    /// Byte values from Python's codecs, which pydicom uses for these terms.
    static let singleByteExamples: [SingleByteExample] = [
        .init(term: "ISO_IR 100", text: "Buc^Jérôme",
              bytes: [0x42, 0x75, 0x63, 0x5E, 0x4A, 0xE9, 0x72, 0xF4, 0x6D, 0x65]),
        .init(term: "ISO_IR 101", text: "Dvořák^Antonín",
              bytes: [0x44, 0x76, 0x6F, 0xF8, 0xE1, 0x6B, 0x5E, 0x41, 0x6E, 0x74, 0x6F, 0x6E, 0xED, 0x6E]),
        .init(term: "ISO_IR 109", text: "Ġużeppi^Ħabib",
              bytes: [0xD5, 0x75, 0xBF, 0x65, 0x70, 0x70, 0x69, 0x5E, 0xA1, 0x61, 0x62, 0x69, 0x62]),
        .init(term: "ISO_IR 110", text: "Šķēle^Ģirts",
              bytes: [0xA9, 0xF3, 0xBA, 0x6C, 0x65, 0x5E, 0xAB, 0x69, 0x72, 0x74, 0x73]),
        .init(term: "ISO_IR 144", text: "Люкceмбypг",
              bytes: [0xBB, 0xEE, 0xDA, 0x63, 0x65, 0xDC, 0xD1, 0x79, 0x70, 0xD3]),
        .init(term: "ISO_IR 127", text: "قباني^لنزار",
              bytes: [0xE2, 0xC8, 0xC7, 0xE6, 0xEA, 0x5E, 0xE4, 0xE6, 0xD2, 0xC7, 0xD1]),
        .init(term: "ISO_IR 126", text: "Διονυσιος",
              bytes: [0xC4, 0xE9, 0xEF, 0xED, 0xF5, 0xF3, 0xE9, 0xEF, 0xF2]),
        .init(term: "ISO_IR 138", text: "שרון^דבורה",
              bytes: [0xF9, 0xF8, 0xE5, 0xEF, 0x5E, 0xE3, 0xE1, 0xE5, 0xF8, 0xE4]),
        .init(term: "ISO_IR 148", text: "Çağlar^Şükrü",
              bytes: [0xC7, 0x61, 0xF0, 0x6C, 0x61, 0x72, 0x5E, 0xDE, 0xFC, 0x6B, 0x72, 0xFC]),
        .init(term: "ISO_IR 203", text: "Œuvre^€",
              bytes: [0xBC, 0x75, 0x76, 0x72, 0x65, 0x5E, 0xA4]),
        .init(term: "ISO_IR 166", text: "สมชาย^ใจดี",
              bytes: [0xCA, 0xC1, 0xAA, 0xD2, 0xC2, 0x5E, 0xE3, 0xA8, 0xB4, 0xD5]),
        .init(term: "ISO_IR 13", text: "ﾔﾏﾀﾞ^ﾀﾛｳ",
              bytes: [0xD4, 0xCF, 0xC0, 0xDE, 0x5E, 0xC0, 0xDB, 0xB3]),
    ]

    @Test(arguments: singleByteExamples)
    func decodesAndEncodesSingleByteSet(_ example: SingleByteExample) {
        // The same bytes with and without code extensions: "ISO_IR 100" and "ISO 2022 IR 100".
        let withExtensions = example.term.replacing("ISO_IR", with: "ISO 2022 IR")
        for term in [example.term, withExtensions] {
            let characterSet = SpecificCharacterSet(terms: [term])
            #expect(characterSet.termIssues.isEmpty)
            #expect(characterSet.decode(example.bytes[...], vr: .PN) == example.text)
            #expect(characterSet.encode(example.text, vr: .PN) == example.bytes)
        }
    }

    @Test(arguments: singleByteExamples)
    func escapesToSingleByteSetAsCodeExtension(_ example: SingleByteExample) {
        let term = example.term.replacing("ISO_IR", with: "ISO 2022 IR")
        let characterSet = SpecificCharacterSet(terms: ["", term])
        let encoded = characterSet.encode(example.text, vr: .LO)
        #expect(encoded.starts(with: ascii(String(example.text.prefix { $0.isASCII }))))
        #expect(encoded.contains(esc))
        #expect(characterSet.decode(encoded[...], vr: .LO) == example.text)
    }

    // MARK: Round trips

    @Test(arguments: [
        (["ISO_IR 192"], "Müller^Øyvind=王^小東=홍^길동 😀"),
        (["", "ISO 2022 IR 87"], "Yamada^Tarou=山田^太郎=やまだ^たろう"),
        (["ISO 2022 IR 13", "ISO 2022 IR 87", "ISO 2022 IR 159"], "ﾔﾏﾀﾞ ﾀﾛｳ^山田 丂=やまだ"),
        (["", "ISO 2022 IR 149"], "Hong Gildong^洪 吉洞=홍 길동"),
        (["", "ISO 2022 IR 58"], "Zhang XiaoDong^张 小东"),
        (["ISO 2022 IR 100", "ISO 2022 IR 101", "ISO 2022 IR 144", "ISO 2022 IR 126", "ISO 2022 IR 138"],
         "Jérôme Dvořák^Люк Δίας=שרון"),
        (["ISO 2022 IR 6", "ISO 2022 IR 100", "ISO 2022 IR 87", "ISO 2022 IR 149", "ISO 2022 IR 58"],
         "é山田홍张^ß"),
        (["GB18030"], "王小东 😀 é"),
        (["ISO_IR 166"], "สมชาย ใจดี"),
        (["ISO_IR 203"], "Œuvre €"),
    ] as [([String], String)])
    func roundTrips(terms: [String], text: String) {
        let characterSet = SpecificCharacterSet(terms: terms)
        for vr in [VR.PN, .LO, .LT, .UT] {
            var issues: [CharacterSetIssue] = []
            let bytes = characterSet.encode(text, vr: vr, issues: &issues)
            #expect(issues.isEmpty)
            #expect(characterSet.decode(bytes[...], vr: vr, issues: &issues) == text)
            #expect(issues.isEmpty)
        }
    }

    @Test func multiValuedTextRoundTripsValueByValue() {
        let characterSet = SpecificCharacterSet(terms: ["", "ISO 2022 IR 87"])
        let bytes = characterSet.encode("山田\\太郎\\Tarou", vr: .LO)
        let text = characterSet.decode(bytes[...], vr: .LO)
        #expect(text.split(separator: "\\") == ["山田", "太郎", "Tarou"])
    }
}
