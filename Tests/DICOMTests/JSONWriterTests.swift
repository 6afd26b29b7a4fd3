import Testing
@testable import DICOM
#if canImport(Glibc)
import Glibc
#endif

@Suite struct JSONWriterTests {
    typealias F = TextFixtures

    @Test func writesCompactObjectInTagOrderWithVRFirst() throws {
        let dataSet = DataSet([
            F.text(0x0010, 0x0020, .LO, "SYN-001"),
            F.text(0x0008, 0x0060, .CS, "CT"),
            F.binary(0x0028, 0x0010, .US, [UInt16(512)]),
            DataElement(tag: Tag(0x0010, 0x0030), vr: .DA, bytes: []),
        ])
        let json = try DICOMJSONWriter().string(dataSet)
        #expect(json == #"{"00080060":{"vr":"CS","Value":["CT"]},"00100020":{"vr":"LO","Value":["SYN-001"]},"#
            + #""00100030":{"vr":"DA"},"00280010":{"vr":"US","Value":[512]}}"#)
    }

    /// The shape of the example of PS3.18 F.4 (values synthetic).
    @Test func writesTheShapeOfPS3_18AnnexF4Example() throws {
        let otherPatientIDs = [
            DataSet([F.text(0x0010, 0x0020, .LO, "54321"), F.text(0x0010, 0x0021, .LO, "Hospital B")]),
            DataSet([F.text(0x0010, 0x0020, .LO, "24680"), F.text(0x0010, 0x0021, .LO, "Hospital C")]),
        ]
        let dataSet = DataSet([
            F.text(0x0008, 0x0005, .CS, "ISO_IR 192"),
            F.text(0x0008, 0x0020, .DA, "20130409"),
            F.text(0x0008, 0x0030, .TM, "131600.0000"),
            F.text(0x0008, 0x0050, .SH, "11235813"),
            F.text(0x0008, 0x0056, .CS, "ONLINE"),
            F.text(0x0008, 0x0061, .CS, "CT\\PET"),
            F.text(0x0008, 0x0090, .PN, "^Bob^^Dr."),
            F.text(0x0008, 0x1190, .UR, "http://wado.nema.org/studies/1.2.392.200036.9116.2.2.2.1762893313.1029997326.945873"),
            F.text(0x0009, 0x0010, .LO, "Vendor A"),
            DataElement(tag: Tag(0x0009, 0x1002), vr: .UN, bytes: Base64.decode("z0x9c8v7")!),
            F.text(0x0010, 0x0010, .PN, "Wang^XiaoDong=王^小東"),
            F.text(0x0010, 0x0020, .LO, "12345"),
            F.text(0x0010, 0x0021, .LO, "Hospital A"),
            F.text(0x0010, 0x0030, .DA, "19670701"),
            F.text(0x0010, 0x0040, .CS, "M"),
            F.sequence(0x0010, 0x1002, otherPatientIDs),
            F.text(0x0020, 0x000D, .UI, "1.2.392.200036.9116.2.2.2.1762893313.1029997326.945873"),
            F.text(0x0020, 0x1206, .IS, "4"),
            F.text(0x0020, 0x1208, .IS, "942"),
        ])
        let json = try DICOMJSONWriter(options: .init(pretty: true)).string(dataSet)
        let expected = """
        {
          "00080005": {
            "vr": "CS",
            "Value": [
              "ISO_IR 192"
            ]
          },
          "00080020": {
            "vr": "DA",
            "Value": [
              "20130409"
            ]
          },
          "00080030": {
            "vr": "TM",
            "Value": [
              "131600.0000"
            ]
          },
          "00080050": {
            "vr": "SH",
            "Value": [
              "11235813"
            ]
          },
          "00080056": {
            "vr": "CS",
            "Value": [
              "ONLINE"
            ]
          },
          "00080061": {
            "vr": "CS",
            "Value": [
              "CT",
              "PET"
            ]
          },
          "00080090": {
            "vr": "PN",
            "Value": [
              {
                "Alphabetic": "^Bob^^Dr."
              }
            ]
          },
          "00081190": {
            "vr": "UR",
            "Value": [
              "http://wado.nema.org/studies/1.2.392.200036.9116.2.2.2.1762893313.1029997326.945873"
            ]
          },
          "00090010": {
            "vr": "LO",
            "Value": [
              "Vendor A"
            ]
          },
          "00091002": {
            "vr": "UN",
            "InlineBinary": "z0x9c8v7"
          },
          "00100010": {
            "vr": "PN",
            "Value": [
              {
                "Alphabetic": "Wang^XiaoDong",
                "Ideographic": "王^小東"
              }
            ]
          },
          "00100020": {
            "vr": "LO",
            "Value": [
              "12345"
            ]
          },
          "00100021": {
            "vr": "LO",
            "Value": [
              "Hospital A"
            ]
          },
          "00100030": {
            "vr": "DA",
            "Value": [
              "19670701"
            ]
          },
          "00100040": {
            "vr": "CS",
            "Value": [
              "M"
            ]
          },
          "00101002": {
            "vr": "SQ",
            "Value": [
              {
                "00100020": {
                  "vr": "LO",
                  "Value": [
                    "54321"
                  ]
                },
                "00100021": {
                  "vr": "LO",
                  "Value": [
                    "Hospital B"
                  ]
                }
              },
              {
                "00100020": {
                  "vr": "LO",
                  "Value": [
                    "24680"
                  ]
                },
                "00100021": {
                  "vr": "LO",
                  "Value": [
                    "Hospital C"
                  ]
                }
              }
            ]
          },
          "0020000D": {
            "vr": "UI",
            "Value": [
              "1.2.392.200036.9116.2.2.2.1762893313.1029997326.945873"
            ]
          },
          "00201206": {
            "vr": "IS",
            "Value": [
              4
            ]
          },
          "00201208": {
            "vr": "IS",
            "Value": [
              942
            ]
          }
        }

        """
        #expect(json == expected)
    }

    @Test func writesEmptyValuesAmongSeveralAsNull() throws {
        let dataSet = DataSet([
            F.text(0x0008, 0x0008, .CS, "\\PRIMARY\\\\"),
            F.text(0x0010, 0x1001, .PN, "A^B\\\\C"),
            F.text(0x0028, 0x0030, .DS, "0.5\\"),
        ])
        let json = try DICOMJSONWriter().string(dataSet)
        #expect(json == #"{"00080008":{"vr":"CS","Value":[null,"PRIMARY",null,null]},"#
            + #""00101001":{"vr":"PN","Value":[{"Alphabetic":"A^B"},null,{"Alphabetic":"C"}]},"#
            + #""00280030":{"vr":"DS","Value":[0.5,null]}}"#)
    }

    @Test func writesPersonNameGroupsKeepingTheLastEvenWhenEmpty() throws {
        let dataSet = DataSet([
            F.text(0x0008, 0x0005, .CS, "ISO_IR 192"),
            F.text(0x0010, 0x0010, .PN, "Yamada^Tarou=山田^太郎=やまだ^たろう"),
            F.text(0x0010, 0x1001, .PN, "=Ideo\\Alpha==\\==Pho"),
        ])
        let json = try DICOMJSONWriter().string(dataSet)
        #expect(json == #"{"00080005":{"vr":"CS","Value":["ISO_IR 192"]},"00100010":{"vr":"PN","Value":[{"Alphabetic":"Yamada^Tarou","Ideographic":"山田^太郎","Phonetic":"やまだ^たろう"}]},"#
            + #""00101001":{"vr":"PN","Value":[{"Ideographic":"Ideo"},{"Alphabetic":"Alpha","Phonetic":""},{"Phonetic":"Pho"}]}}"#)
    }

    @Test func normalisesDecimalStringsToJSONNumbers() throws {
        let dataSet = DataSet([
            F.text(0x0018, 0x0050, .DS, " 1.\\+5\\.5\\-.5\\007.20\\1.e5\\1E-3\\-0 "),
            F.text(0x0018, 0x0088, .DS, "abc"),
            F.text(0x0020, 0x0013, .IS, "+007\\-12\\ 3 \\2.0"),
            F.text(0x0020, 0x0012, .IS, "x1"),
        ])
        let json = try DICOMJSONWriter().string(dataSet)
        #expect(json == #"{"00180050":{"vr":"DS","Value":[1.0,5,0.5,-0.5,7.20,1.0e5,1E-3,-0]},"#
            + #""00180088":{"vr":"DS","Value":["abc"]},"#
            + #""00200012":{"vr":"IS","Value":["x1"]},"00200013":{"vr":"IS","Value":[7,-12,3,2]}}"#)
    }

    @Test func writesBinaryNumbersAsPydicomDoes() throws {
        let dataSet = DataSet([
            F.binary(0x0018, 0x6020, .SL, [Int32.min]),
            F.floats(0x0018, 0x6028, [0.1, 1, .nan, .infinity, -.infinity]),
            F.doubles(0x0018, 0x6034, [0.1, 1e-5, 1e20, -0.0]),
            F.binary(0x0072, 0x0082, .SV, [Int64.min, Int64.max]),
            F.binary(0x0072, 0x0083, .UV, [UInt64.max]),
            F.binary(0x0020, 0x5000, .AT, [UInt16(0x0010), 0x0010, 0x7FE0, 0x0010]),
        ])
        let json = try DICOMJSONWriter().string(dataSet)
        #expect(json == #"{"00186020":{"vr":"SL","Value":[-2147483648]},"#
            + #""00186028":{"vr":"FL","Value":[0.10000000149011612,1.0,NaN,Infinity,-Infinity]},"#
            + #""00186034":{"vr":"FD","Value":[0.1,1e-05,1e+20,-0.0]},"#
            + #""00205000":{"vr":"AT","Value":["00100010","7FE00010"]},"#
            + #""00720082":{"vr":"SV","Value":[-9223372036854775808,9223372036854775807]},"#
            + #""00720083":{"vr":"UV","Value":[18446744073709551615]}}"#)

        let strict = try DICOMJSONWriter(options: .init(nonFiniteNumbers: .strings))
            .string(DataSet([F.doubles(0x0018, 0x6034, [.nan, .infinity])]))
        #expect(strict == #"{"00186034":{"vr":"FD","Value":["NaN","Infinity"]}}"#)
    }

    @Test func escapesStringsAsJSONRequires() throws {
        let dataSet = DataSet([F.text(0x0010, 0x4000, .LT, "a \"b\" \\ c\r\nd\t\u{1}")])
        let json = try DICOMJSONWriter().string(dataSet)
        #expect(json == #"{"00104000":{"vr":"LT","Value":["a \"b\" \\ c\r\nd\t\u0001"]}}"#)
    }

    @Test func writesBulkValuesInlineOrAsURIs() throws {
        let dataSet = DataSet([
            DataElement(tag: Tag(0x0042, 0x0011), vr: .OB, bytes: [1, 2, 3, 4]),
            F.sequence(0x0040, 0xA730, [DataSet([DataElement(tag: Tag(0x0042, 0x0011), vr: .OB, bytes: [5, 6])])]),
            DataElement(tag: .pixelData, vr: .OW, bytes: [0, 1]),
        ])
        #expect(try DICOMJSONWriter().string(dataSet)
            == #"{"0040A730":{"vr":"SQ","Value":[{"00420011":{"vr":"OB","InlineBinary":"BQY="}}]},"00420011":{"vr":"OB","InlineBinary":"AQIDBA=="},"#
            + #""7FE00010":{"vr":"OW","InlineBinary":"AAE="}}"#)

        let writer = DICOMJSONWriter(options: .init(bulkDataURI: { path, element in
            element.tag == .pixelData ? nil : "https://example.invalid/bulk/\(path)"
        }))
        #expect(try writer.string(dataSet)
            == #"{"0040A730":{"vr":"SQ","Value":[{"00420011":{"vr":"OB","BulkDataURI":"https://example.invalid/bulk/(0040,A730)[1]/(0042,0011)"}}]},"#
            + #""00420011":{"vr":"OB","BulkDataURI":"https://example.invalid/bulk/(0042,0011)"},"#
            + #""7FE00010":{"vr":"OW","InlineBinary":"AAE="}}"#)
    }

    @Test func writesEncapsulatedPixelDataAsItsItems() throws {
        let pixels = EncapsulatedPixelData(basicOffsetTable: .inline([]), fragments: [.inline([0xFF, 0xD8]), .inline([1, 2, 3])])
        let dataSet = DataSet([DataElement(tag: .pixelData, vr: .OB, value: .encapsulated(pixels))])
        let json = try DICOMJSONWriter().string(dataSet)
        let items: [UInt8] = [0xFE, 0xFF, 0x00, 0xE0, 0, 0, 0, 0,
                              0xFE, 0xFF, 0x00, 0xE0, 2, 0, 0, 0, 0xFF, 0xD8,
                              0xFE, 0xFF, 0x00, 0xE0, 4, 0, 0, 0, 1, 2, 3, 0]
        #expect(json == #"{"7FE00010":{"vr":"OB","InlineBinary":""# + Base64.encodeToString(items) + #""}}"#)
    }

    @Test func leavesOutGroupLengthsUnlessAskedToKeepThem() throws {
        let dataSet = DataSet([F.binary(0x0008, 0x0000, .UL, [UInt32(10)]), F.text(0x0008, 0x0060, .CS, "CT"),
                               F.sequence(0x0008, 0x1115, [DataSet([F.binary(0x0020, 0x0000, .UL, [UInt32(0)])])])])
        #expect(try DICOMJSONWriter().string(dataSet)
            == #"{"00080060":{"vr":"CS","Value":["CT"]},"00081115":{"vr":"SQ","Value":[{}]}}"#)
        #expect(try DICOMJSONWriter(options: .init(includeGroupLengths: true)).string(dataSet)
            == #"{"00080000":{"vr":"UL","Value":[10]},"00080060":{"vr":"CS","Value":["CT"]},"#
            + #""00081115":{"vr":"SQ","Value":[{"00200000":{"vr":"UL","Value":[0]}}]}}"#)
    }

    @Test func decodesTextWithTheCharacterSetInheritedByItems() throws {
        // "Müller" in ISO_IR 100 (Latin-1), in the data set and in an item that inherits it;
        // a second item declares UTF-8 for itself.
        let latin1 = F.encoded(0x0010, 0x0010, .PN, [0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72])
        let dataSet = DataSet([
            F.text(0x0008, 0x0005, .CS, "ISO_IR 100"),
            latin1,
            F.sequence(0x0010, 0x1002, [
                DataSet([latin1]),
                DataSet([F.text(0x0008, 0x0005, .CS, "ISO_IR 192"), F.text(0x0010, 0x0010, .PN, "Müller")]),
            ]),
        ])
        let json = try DICOMJSONWriter().string(dataSet)
        #expect(json == #"{"00080005":{"vr":"CS","Value":["ISO_IR 100"]},"00100010":{"vr":"PN","Value":[{"Alphabetic":"Müller"}]},"#
            + #""00101002":{"vr":"SQ","Value":[{"00100010":{"vr":"PN","Value":[{"Alphabetic":"Müller"}]}},"#
            + #"{"00080005":{"vr":"CS","Value":["ISO_IR 192"]},"00100010":{"vr":"PN","Value":[{"Alphabetic":"Müller"}]}}]}}"#)
    }

    @Test func writesArraysOfDataSets() throws {
        let one = DataSet([F.text(0x0008, 0x0060, .CS, "CT")])
        var sink = ByteArraySink()
        try DICOMJSONWriter().write([one, DataSet(), one], to: &sink)
        #expect(String(decoding: sink.bytes, as: UTF8.self)
            == #"[{"00080060":{"vr":"CS","Value":["CT"]}},{},{"00080060":{"vr":"CS","Value":["CT"]}}]"#)
    }

    /// A deferred value several chunks long, of a length that is no multiple of 3, starting at an
    /// offset in its file: the base64 must be that of exactly those bytes.
    @Test func streamsALargeDeferredValueFromItsFile() throws {
        let count = InlineBinary.chunkSize * 3 + 1234
        var bytes = [UInt8](repeating: 0, count: count + 100)
        var state: UInt32 = 2463534242
        for index in bytes.indices {
            state ^= state << 13; state ^= state >> 17; state ^= state << 5
            bytes[index] = UInt8(truncatingIfNeeded: state)
        }
        let path = try F.temporaryFile(bytes)
        defer { unlink(path) }
        let region = FileRegion(path: path, offset: 37, length: UInt64(count))
        let dataSet = DataSet([DataElement(tag: .pixelData, vr: .OB, value: .bytes(.file(region)))])

        let outputPath = path + ".json"
        let output = try FileSink(creating: outputPath)
        defer { unlink(outputPath) }
        var sink = output
        try DICOMJSONWriter().write(dataSet, to: &sink)
        try output.flush()

        let written = try F.readFile(outputPath)
        let expected = #"{"7FE00010":{"vr":"OB","InlineBinary":""# + Base64.encodeToString(Array(bytes[37..<(37 + count)])) + #""}}"#
        #expect(written == Array(expected.utf8))
    }

    @Test func streamEncoderMatchesWholeEncodingForAnyChunking() throws {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        for chunkSize in [1, 2, 4, 5, 7, 64, 999, 1000] {
            var encoder = Base64StreamEncoder()
            var output: [UInt8] = []
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + chunkSize)
                try encoder.encode(Array(bytes[start..<end])) { output += $0 }
                start = end
            }
            try encoder.finish { output += $0 }
            #expect(output == Base64.encode(bytes), "chunks of \(chunkSize)")
        }
        #expect(Base64.encodeToString([]) == "")
        #expect(Base64.encodeToString(Array("f".utf8)) == "Zg==")
        #expect(Base64.encodeToString(Array("fo".utf8)) == "Zm8=")
        #expect(Base64.encodeToString(Array("foo".utf8)) == "Zm9v")
        #expect(Base64.decode("Zm9v\nYmFy") == Array("foobar".utf8))
        #expect(Base64.decode("Zm9vYg==") == Array("foob".utf8))
        #expect(Base64.decode("Zm9vYg=") == nil)
        #expect(Base64.decode("Zm9v*") == nil)
        #expect(Base64.decode("Zg==Zg==") == nil)
    }
}
