import Testing
@testable import DICOM

@Suite struct JSONReaderTests {
    typealias F = TextFixtures

    /// The example of PS3.18 F.4, shortened, as the standard writes it (InlineBinary in an array).
    static let annexF4 = """
    [
      {
         "0020000D": { "vr": "UI", "Value": [ "1.2.392.200036.9116.2.2.2.1762893313.1029997326.945873" ] },
         "00080005": { "vr": "CS", "Value": [ "ISO_IR 192" ] },
         "00080090": { "vr": "PN", "Value": [ { "Alphabetic": "^Bob^^Dr." } ] },
         "00090010": { "vr": "LO", "Value": [ "Vendor A" ] },
         "00091002": { "vr": "UN", "InlineBinary": [ "z0x9c8v7" ] },
         "00100010": { "vr": "PN", "Value": [ { "Alphabetic": "Wang^XiaoDong", "Ideographic": "王^小東" } ] },
         "00101002": { "vr": "SQ", "Value": [
             { "00100020": { "vr": "LO", "Value": [ "54321" ] }, "00100021": { "vr": "LO", "Value": [ "Hospital B" ] } },
             { "00100020": { "vr": "LO", "Value": [ "24680" ] }, "00100021": { "vr": "LO", "Value": [ "Hospital C" ] } }
         ] },
         "00201206": { "vr": "IS", "Value": [ 4 ] },
         "00201208": { "vr": "IS", "Value": [ 942 ] }
      }
    ]
    """

    @Test func readsPS3_18AnnexF4Example() throws {
        let dataSet = try DICOMJSONReader().read(Self.annexF4)
        #expect(dataSet.map(\.tag) == [Tag(0x0008, 0x0005), Tag(0x0008, 0x0090), Tag(0x0009, 0x0010), Tag(0x0009, 0x1002),
                                       Tag(0x0010, 0x0010), Tag(0x0010, 0x1002), Tag(0x0020, 0x000D), Tag(0x0020, 0x1206),
                                       Tag(0x0020, 0x1208)])
        #expect(dataSet[Tag(0x0020, 0x000D)]?.inlineBytes == Array("1.2.392.200036.9116.2.2.2.1762893313.1029997326.945873".utf8))
        #expect(dataSet[Tag(0x0008, 0x0090)]?.inlineBytes == Array("^Bob^^Dr.\u{20}".utf8))
        #expect(dataSet[Tag(0x0009, 0x1002)]?.inlineBytes == [0xCF, 0x4C, 0x7D, 0x73, 0xCB, 0xFB])
        #expect(dataSet[Tag(0x0010, 0x0010)]?.inlineBytes == Array("Wang^XiaoDong=王^小東".utf8))
        let items = try #require(dataSet[Tag(0x0010, 0x1002)]?.items)
        #expect(items.count == 2)
        #expect(items[1].string(Tag(0x0010, 0x0021)) == "Hospital C")
        #expect(dataSet.string(Tag(0x0020, 0x1208)) == "942")
        #expect(dataSet[Tag(0x0020, 0x1206)]?.inlineBytes == Array("4 ".utf8))
    }

    @Test func keepsDecimalTextAndFitsLongNumbersInSixteenCharacters() throws {
        let dataSet = try DICOMJSONReader().read(#"""
        {"00280030": {"vr": "DS", "Value": [1.50, -0.0, 1e-7, 0.12345678901234567, 123456789012345678, null, "  2.5 "]},
         "00200013": {"vr": "IS", "Value": [7, 2.0, "+3", 1e2]}}
        """#)
        #expect(dataSet.strings(Tag(0x0028, 0x0030)) == ["1.50", "-0.0", "1e-7", "0.12345678901235", "1.2345678901e+17", "", "2.5"])
        #expect(dataSet.strings(Tag(0x0020, 0x0013)) == ["7", "2", "+3", "100"])
    }

    @Test func readsBinaryNumbersExactly() throws {
        let dataSet = try DICOMJSONReader().read(#"""
        {"00720082": {"vr": "SV", "Value": [-9223372036854775808, 9223372036854775807, "12"]},
         "00720083": {"vr": "UV", "Value": [18446744073709551615]},
         "00186028": {"vr": "FL", "Value": [0.10000000149011612, NaN, "-Infinity"]},
         "00186034": {"vr": "FD", "Value": [0.1, Infinity, 5e-324]},
         "00280010": {"vr": "US", "Value": [65535, 1.0]},
         "00205000": {"vr": "AT", "Value": ["7FE00010", "(0010,0010)"]}}
        """#)
        #expect(dataSet[Tag(0x0072, 0x0082)]?.int64s == [Int64.min, Int64.max, 12])
        #expect(dataSet[Tag(0x0072, 0x0083)]?.uint64s == [UInt64.max])
        let floats = dataSet[Tag(0x0018, 0x6028)]?.float32s ?? []
        #expect(floats.count == 3 && floats[0] == 0.1 && floats[1].isNaN && floats[2] == -.infinity)
        #expect(dataSet[Tag(0x0018, 0x6034)]?.float64s == [0.1, .infinity, .leastNonzeroMagnitude])
        #expect(dataSet[Tag(0x0028, 0x0010)]?.uint16s == [65535, 1])
        #expect(dataSet[Tag(0x0020, 0x5000)]?.tags == [.pixelData, Tag(0x0010, 0x0010)])
    }

    @Test func encodesTextInTheGivenCharacterSetWhenItCan() throws {
        let dataSet = try DICOMJSONReader().read(#"""
        {"00080005": {"vr": "CS", "Value": ["ISO_IR 100"]}, "00100010": {"vr": "PN", "Value": [{"Alphabetic": "Müller^Jürgen"}]}}
        """#)
        #expect(dataSet.string(.specificCharacterSet) == "ISO_IR 100")
        #expect(dataSet[Tag(0x0010, 0x0010)]?.inlineBytes == [0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72, 0x5E, 0x4A, 0xFC, 0x72, 0x67, 0x65, 0x6E, 0x20])
    }

    @Test func switchesToUTF8WhenTheCharacterSetCannotEncodeTheText() throws {
        let dataSet = try DICOMJSONReader().read(#"""
        {"00080005": {"vr": "CS", "Value": ["ISO_IR 100"]},
         "00100010": {"vr": "PN", "Value": [{"Alphabetic": "Müller"}]},
         "00101002": {"vr": "SQ", "Value": [{"00080005": {"vr": "CS", "Value": ["ISO_IR 100"]},
                                             "00100010": {"vr": "PN", "Value": [{"Alphabetic": "Wang^XiaoDong", "Ideographic": "王^小東"}]}}]}}
        """#)
        #expect(dataSet.string(.specificCharacterSet) == "ISO_IR 192")
        #expect(dataSet[Tag(0x0010, 0x0010)]?.inlineBytes == Array("Müller".utf8) + [0x20])
        let item = try #require(dataSet[Tag(0x0010, 0x1002)]?.items?.first)
        #expect(item.string(.specificCharacterSet) == "ISO_IR 192")
        #expect(item[Tag(0x0010, 0x0010)]?.inlineBytes == Array("Wang^XiaoDong=王^小東".utf8))
    }

    @Test func addsUTF8CharacterSetOnlyWhenTextNeedsIt() throws {
        let ascii = try DICOMJSONReader().read(#"{"00100010": {"vr": "PN", "Value": [{"Alphabetic": "Doe^John"}]}}"#)
        #expect(ascii[.specificCharacterSet] == nil)
        let unicode = try DICOMJSONReader().read(#"{"00100010": {"vr": "PN", "Value": [{"Alphabetic": "Doe^J\u00f6rg"}]}}"#)
        #expect(unicode.string(.specificCharacterSet) == "ISO_IR 192")
        #expect(unicode[Tag(0x0010, 0x0010)]?.inlineBytes == Array("Doe^Jörg".utf8) + [0x20])
    }

    @Test func readsEncapsulatedPixelDataFromItsItems() throws {
        let items: [UInt8] = [0xFE, 0xFF, 0x00, 0xE0, 0, 0, 0, 0, 0xFE, 0xFF, 0x00, 0xE0, 2, 0, 0, 0, 0xFF, 0xD8]
        let dataSet = try DICOMJSONReader().read(#"{"7FE00010": {"vr": "OB", "InlineBinary": ""# + Base64.encodeToString(items) + #""}}"#)
        #expect(dataSet[.pixelData]?.value == .encapsulated(EncapsulatedPixelData(fragments: [.inline([0xFF, 0xD8])])))

        // Native pixel data that merely starts like an item stays native.
        let native: [UInt8] = [0xFE, 0xFF, 0x00, 0xE0, 9, 0, 0, 0, 1, 2]
        let other = try DICOMJSONReader().read(#"{"7FE00010": {"vr": "OW", "InlineBinary": ""# + Base64.encodeToString(native) + #""}}"#)
        #expect(other[.pixelData]?.inlineBytes == native)
    }

    @Test func padsOddInlineBinary() throws {
        let dataSet = try DICOMJSONReader().read(#"{"00420011": {"vr": "OB", "InlineBinary": "AQID"}}"#)
        #expect(dataSet[Tag(0x0042, 0x0011)]?.inlineBytes == [1, 2, 3, 0])
    }

    @Test func resolvesBulkDataURIsThroughTheResolver() throws {
        let json = #"{"00420011": {"vr": "OB", "BulkDataURI": "https://example.invalid/1"},"#
            + #""0040A730": {"vr": "SQ", "Value": [{"7FE00010": {"vr": "OW", "BulkDataURI": ["https://example.invalid/2"]}}]}}"#
        #expect {
            try DICOMJSONReader().read(json)
        } throws: { error in
            guard case DICOMJSONError.invalidAttribute(let path, .unresolvedBulkData(let uri)) = error else { return false }
            return path.tag == Tag(0x0042, 0x0011) && uri == "https://example.invalid/1"
        }
        let reader = DICOMJSONReader(bulkDataResolver: { path, vr, uri in
            .bytes(.inline(Array("\(path) \(vr) \(uri.suffix(1))".utf8)))
        })
        let dataSet = try reader.read(json)
        #expect(dataSet[Tag(0x0042, 0x0011)]?.inlineBytes == Array("(0042,0011) OB 1".utf8))
        let item = try #require(dataSet[Tag(0x0040, 0xA730)]?.items?.first)
        #expect(item[.pixelData]?.inlineBytes == Array("(0040,A730)[1]/(7FE0,0010) OW 2".utf8))
    }

    @Test func readsEmptyAndNullValues() throws {
        let dataSet = try DICOMJSONReader().read(#"""
        {"00100020": {"vr": "LO"}, "00100021": {"vr": "LO", "Value": []}, "00080008": {"vr": "CS", "Value": ["A", null, "B"]},
         "00081115": {"vr": "SQ"}, "00081140": {"vr": "SQ", "Value": [{}, null]}, "00101001": {"vr": "PN", "Value": [null, "Raw^Name", {}]}}
        """#)
        #expect(dataSet[Tag(0x0010, 0x0020)]?.inlineBytes == [])
        #expect(dataSet[Tag(0x0010, 0x0021)]?.inlineBytes == [])
        #expect(dataSet[Tag(0x0008, 0x0008)]?.inlineBytes == Array("A\\\\B".utf8))
        #expect(dataSet[Tag(0x0008, 0x1115)]?.items == [])
        #expect(dataSet[Tag(0x0008, 0x1140)]?.items == [DataSet(), DataSet()])
        #expect(dataSet[Tag(0x0010, 0x1001)]?.inlineBytes == Array("\\Raw^Name\\".utf8))
    }

    @Test func takesTheDictionaryVRWhenVRIsMissing() throws {
        let dataSet = try DICOMJSONReader().read(#"{"00100010": {"Value": [{"Alphabetic": "Doe"}]}}"#)
        #expect(dataSet[Tag(0x0010, 0x0010)]?.vr == .PN)
        #expect {
            try DICOMJSONReader().read(#"{"00111001": {"Value": ["x"]}}"#)
        } throws: { error in
            guard case DICOMJSONError.invalidAttribute(_, .missingVR) = error else { return false }
            return true
        }
    }

    @Test func reportsMalformedJSONWithLineAndColumn() throws {
        #expect {
            try DICOMJSONReader().read("{\n  \"00100010\": {\"vr\": \"PN\",}\n}")
        } throws: { error in
            guard case DICOMJSONError.malformedJSON(let line, let column, _, _) = error else { return false }
            return line == 2 && column == 27 && "\(error)".contains("line 2, column 27")
        }
        for broken in ["", "{", "[1,]", "{\"a\" 1}", "\"\\x\"", "1e", "-", "{\"a\":tru}", "\"\u{1}\"", "{\"a\":\"\\ud800\"}"] {
            #expect(throws: DICOMJSONError.self, "\(broken.debugDescription)") { try DICOMJSONReader().read(broken) }
        }
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: DICOMJSONError.self) { try DICOMJSONReader().read(deep) }
    }

    @Test func namesTheAttributeInErrors() throws {
        let cases: [(String, String)] = [
            (#"{"0010001": {"vr": "PN"}}"#, #"member name "0010001" is not a tag"#),
            (#"[1]"#, "found an array holding a number"),
            (#"{"00100010": {"vr": "XX"}}"#, #"attribute (0010,0010) has VR "XX""#),
            (#"{"00280010": {"vr": "US", "Value": ["abc"]}}"#, #"attribute (0028,0010) value 1 "abc" is not a valid US"#),
            (#"{"00280010": {"vr": "US", "Value": [1, 70000]}}"#, #"value 2 "70000" is out of the range of US"#),
            (#"{"00280010": {"vr": "US", "Value": [1, null]}}"#, "value 2 is empty (null), which US cannot encode"),
            (#"{"00186034": {"vr": "FD", "Value": [true]}}"#, #"value 1 "a boolean" is not a valid FD"#),
            (#"{"00420011": {"vr": "OB", "InlineBinary": "A*=="}}"#, "(0042,0011) has InlineBinary that is not valid base64"),
            (#"{"00420011": {"vr": "OB", "Value": [1]}}"#, "should hold InlineBinary or a BulkDataURI, but holds Value"),
            (#"{"00081140": {"vr": "SQ", "Value": [{"0008115": {"vr": "UI"}}]}}"#, "in (0008,1140)[1] is not a tag"),
            (#"{"00081140": {"vr": "SQ", "Value": [{}, {"00081150": {"vr": "AT", "Value": ["xyz"]}}]}}"#,
             #"(0008,1140)[2]/(0008,1150) value 1 "xyz" is not a valid AT"#),
            (#"{"00100010": {"vr": "PN", "Value": "Doe"}}"#, "should hold an array for \"Value\", but holds a string"),
            (#"{"00100010": {"vr": "PN", "InlineBinary": "AA==", "Value": []}}"#, "one of Value, InlineBinary and BulkDataURI"),
            (#"{"00100010": {"vr": "PN"}, "00100010": {"vr": "PN"}}"#, "appears more than once"),
        ]
        for (json, message) in cases {
            do {
                _ = try DICOMJSONReader().read(json)
                Issue.record("no error for \(json)")
            } catch {
                #expect("\(error)".contains(message), "\(json): \(error)")
            }
        }
    }
}
