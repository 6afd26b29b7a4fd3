import Testing
@testable import DICOM
#if canImport(Glibc)
import Glibc
#endif

@Suite struct JSONRoundTripTests {
    typealias F = TextFixtures

    @Test func everyVRSurvivesDataSetToJSONAndBack() throws {
        let original = F.everyVR
        for pretty in [false, true] {
            let json = try DICOMJSONWriter(options: .init(pretty: pretty)).bytes(original)
            let read = try DICOMJSONReader().read(json)
            #expect(read.map(\.tag) == original.map(\.tag))
            for element in original {
                #expect(read[element.tag] == element, "\(element.tag) \(element.vr)")
            }
            // And written again, the same text.
            #expect(try DICOMJSONWriter(options: .init(pretty: pretty)).bytes(read) == json)
        }
    }

    @Test func latin1TextSurvives() throws {
        let original = DataSet([
            F.text(0x0008, 0x0005, .CS, "ISO_IR 100"),
            F.encoded(0x0010, 0x0010, .PN, [0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72, 0x5E, 0xC9, 0x6C, 0x6F, 0xEF, 0x73, 0x65]),
            F.encoded(0x0008, 0x0080, .LO, [0x43, 0x6C, 0x69, 0x6E, 0x69, 0x71, 0x75, 0x65, 0x20, 0xE0, 0x20, 0xC5]),
        ])
        let json = try DICOMJSONWriter().string(original)
        #expect(json.contains("Müller^Éloïse") && json.contains("Clinique à Å"))
        #expect(try DICOMJSONReader().read(json) == original)
    }

    @Test func deferredValuesComeBackInline() throws {
        let bytes = (0..<10_001).map { UInt8(truncatingIfNeeded: $0 * 31) }
        let path = try F.temporaryFile(bytes)
        defer { unlink(path) }
        let deferred = DataSet([DataElement(tag: Tag(0x0042, 0x0011), vr: .OB,
                                            value: .bytes(.file(FileRegion(path: path, offset: 1, length: 10_000))))])
        let read = try DICOMJSONReader().read(try DICOMJSONWriter().bytes(deferred))
        #expect(read[Tag(0x0042, 0x0011)]?.inlineBytes == Array(bytes[1...10_000]))
    }

    /// What pydicom's `Dataset.to_json` writes for a few elements (pydicom 3.0.2, keys sorted as
    /// it sorts them), read by our reader: the same values as ours.
    @Test func readsWhatPydicomWrites() throws {
        let pydicom = #"""
        {"00080060": {"Value": ["A", "", "B"], "vr": "CS"}, "00100010": {"Value": [{"Alphabetic": "A"}], "vr": "PN"}, "00100020": {"vr": "LO"}, "00186000": {"Value": [NaN, Infinity, 0.10000000149011612], "vr": "FL"}, "00720082": {"Value": [-9223372036854775808, 9223372036854775807], "vr": "SV"}, "00720083": {"Value": [18446744073709551615], "vr": "UV"}, "00101030": {"Value": [1.0], "vr": "DS"}, "00200013": {"Value": [7], "vr": "IS"}}
        """#
        let dataSet = try DICOMJSONReader().read(pydicom)
        #expect(dataSet.strings(Tag(0x0008, 0x0060)) == ["A", "", "B"])
        #expect(dataSet.string(Tag(0x0010, 0x0010)) == "A")
        #expect(dataSet[Tag(0x0010, 0x0020)]?.inlineBytes == [])
        #expect(dataSet[Tag(0x0018, 0x6000)]?.float32s.last == 0.1)
        #expect(dataSet[Tag(0x0072, 0x0083)]?.uint64s == [UInt64.max])
        #expect(dataSet.string(Tag(0x0010, 0x1030)) == "1.0")
        #expect(dataSet.string(Tag(0x0020, 0x0013)) == "7")
    }
}

