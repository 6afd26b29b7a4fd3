import Testing
@testable import DICOM

/// How the values of Specific Character Set are read: defined terms, the misspellings pydicom
/// corrects, unknown terms, and stand-alone sets mixed with code extensions.
@Suite struct CharacterSetTermTests {
    @Test func readsAbsentOrEmptyValueOneAsLatin1CompatibleDefault() {
        for characterSet in [SpecificCharacterSet.default, SpecificCharacterSet(terms: [""]),
                             SpecificCharacterSet(terms: ["ISO_IR 6"])] {
            #expect(characterSet.termIssues.isEmpty)
            // pydicom decodes the default repertoire as "iso8859", i.e. Latin-1.
            #expect(characterSet.decode([0x4A, 0xE9][...], vr: .PN) == "Jé")
            #expect(characterSet.encode("Jé", vr: .PN) == [0x4A, 0xE9])
        }
    }

    @Test(arguments: [
        ("ISO IR 192", "ISO_IR 192"),
        ("ISO-IR 100", "ISO_IR 100"),
        ("ISO/IR 144", "ISO_IR 144"),
        ("ISO_2022_IR_87", "ISO 2022 IR 87"),
        ("ISO 2022-IR 149", "ISO 2022 IR 149"),
        ("iso_ir 100", "ISO_IR 100"),
        ("ISO_IR100", "ISO_IR 100"),
        ("ISO_IR192", "ISO_IR 192"),
    ])
    func correctsMisspelledTerm(given: String, assumed: String) {
        let characterSet = SpecificCharacterSet(terms: [given])
        #expect(characterSet.termIssues == [.correctedTerm(given, assumed: assumed)])
        #expect(characterSet.scheme == SpecificCharacterSet(terms: [assumed]).scheme)
    }

    @Test func decodesUTF8UnderCorrectedTerm() {
        let characterSet = SpecificCharacterSet(terms: ["ISO IR 192"])
        #expect(characterSet.decode([0xE7, 0x8E, 0x8B][...], vr: .PN) == "王")
    }

    @Test(arguments: ["ISO_IR 999", "ISO IR 999", "ISO_2022_IR_999", "LATIN1", "utf-8"])
    func readsUnknownTermAsDefaultRepertoire(term: String) {
        let characterSet = SpecificCharacterSet(terms: [term])
        #expect(characterSet.termIssues == [.unknownTerm(term)])
        #expect(characterSet.scheme == .iso2022(initial: .isoIR6, extensions: []))
        #expect(characterSet.decode([0xE9][...], vr: .LO) == "é")
    }

    @Test func ignoresCodeExtensionsAfterStandaloneValueOne() {
        let characterSet = SpecificCharacterSet(terms: ["ISO_IR 192", "ISO 2022 IR 87", "ISO 2022 IR 100"])
        #expect(characterSet.scheme == .standalone(.utf8))
        #expect(characterSet.termIssues == [
            .codeExtensionsIgnored(first: "ISO_IR 192", ignored: ["ISO 2022 IR 87", "ISO 2022 IR 100"]),
        ])
        // Stand-alone sets have no escape sequences: ESC is just a character, as in pydicom.
        let bytes: [UInt8] = [0x61, 0x1B, 0x24, 0x42, 0x7A]
        #expect(characterSet.decode(bytes[...], vr: .LO) == "a\u{1B}$Bz")
    }

    @Test func ignoresStandaloneSetAsCodeExtension() {
        let characterSet = SpecificCharacterSet(terms: ["ISO 2022 IR 100", "ISO_IR 192", "GB18030"])
        #expect(characterSet.scheme == .iso2022(initial: .latin1, extensions: []))
        #expect(characterSet.termIssues == [.standaloneTermIgnored("ISO_IR 192"), .standaloneTermIgnored("GB18030")])
    }

    @Test func toleratesPaddingAroundTerms() {
        let characterSet = SpecificCharacterSet(terms: [" ", "ISO 2022 IR 87 "])
        #expect(characterSet.termIssues.isEmpty)
        #expect(characterSet.scheme == .iso2022(initial: .isoIR6, extensions: [.jisX0208]))
        #expect(characterSet.usesCodeExtensions)
    }

    @Test func mapsTheSpellingsPydicomKnowsFromCP1234() {
        #expect(SpecificCharacterSet(terms: ["ISO 2022 58"]).scheme == .iso2022(initial: .gb2312, extensions: []))
        #expect(SpecificCharacterSet(terms: ["ISO 2022 GBK"]).scheme == .standalone(.gbk))
    }

    @Test func describesIssuesForThePersonWhoMustAct() {
        #expect(CharacterSetIssue.correctedTerm("ISO IR 100", assumed: "ISO_IR 100").description
            == "Specific Character Set value \"ISO IR 100\" is not a defined term: read as \"ISO_IR 100\"")
        #expect(CharacterSetIssue.unknownEscapeSequence([0x24, 0x40]).description
            == "escape sequence ESC 02/04 04/00 designates no character set of PS3.3 Tables C.12-3/C.12-4: "
            + "replaced by U+FFFD")
        #expect(CharacterSetIssue.unencodableCharacters(count: 2, terms: ["ISO_IR 100"]).description
            == "2 characters cannot be represented in \"ISO_IR 100\": written as \"?\"")
    }

    @Test func comparesByTerms() {
        #expect(SpecificCharacterSet(terms: ["", "ISO 2022 IR 87"]) == SpecificCharacterSet(terms: ["", "ISO 2022 IR 87"]))
        #expect(SpecificCharacterSet(terms: ["ISO_IR 100"]) != SpecificCharacterSet(terms: ["ISO_IR 192"]))
        #expect(Set([SpecificCharacterSet.default, SpecificCharacterSet(terms: [])]).count == 1)
    }
}
