import Testing
@testable import DICOM
#if canImport(Glibc)
import Glibc
#endif

/// Byte-level helpers to build encodings by hand, independent of our encoder.
private enum Bytes {
    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    static func tag(_ g: UInt16, _ e: UInt16) -> [UInt8] { le16(g) + le16(e) }

    static func explicit(_ g: UInt16, _ e: UInt16, _ vr: String, _ value: [UInt8]) -> [UInt8] {
        let v = VR(rawValue: vr)!
        let head = tag(g, e) + Array(vr.utf8)
        return v.hasLongExplicitLength ? head + [0, 0] + le32(UInt32(value.count)) + value : head + le16(UInt16(value.count)) + value
    }

    static func implicit(_ g: UInt16, _ e: UInt16, _ value: [UInt8]) -> [UInt8] {
        tag(g, e) + le32(UInt32(value.count)) + value
    }

    static let undefined: UInt32 = 0xFFFF_FFFF
    static let itemStartUndefined = tag(0xFFFE, 0xE000) + le32(undefined)
    static let itemEnd = tag(0xFFFE, 0xE00D) + le32(0)
    static let sequenceEnd = tag(0xFFFE, 0xE0DD) + le32(0)

    /// A Part 10 file around a body, with the transfer syntax given.
    static func part10(_ syntax: String, body: [UInt8]) -> [UInt8] {
        var uid = Array(syntax.utf8)
        if uid.count % 2 == 1 { uid.append(0) }
        let metaBody = explicit(0x0002, 0x0001, "OB", [0, 1]) + explicit(0x0002, 0x0010, "UI", uid)
        let meta = explicit(0x0002, 0x0000, "UL", le32(UInt32(metaBody.count))) + metaBody
        return [UInt8](repeating: 0, count: 128) + Array("DICM".utf8) + meta + body
    }
}

@Suite struct Part10ReadingTests {
    @Test func readsExplicitLittleEndianStringsAndNumbers() throws {
        let body = Bytes.explicit(0x0008, 0x0060, "CS", Array("CT".utf8))
            + Bytes.explicit(0x0010, 0x0010, "PN", Array("Synthetic^Test".utf8))
            + Bytes.explicit(0x0028, 0x0010, "US", Bytes.le16(512))
        let file = try DICOMFile(bytes: Bytes.part10("1.2.840.10008.1.2.1", body: body))
        #expect(file.transferSyntax == .explicitVRLittleEndian)
        #expect(file.dataSet.string(Tag(0x0008, 0x0060)) == "CT")
        #expect(file.dataSet.string(Tag(0x0010, 0x0010)) == "Synthetic^Test")
        #expect(file.dataSet.int(Tag(0x0028, 0x0010)) == 512)
    }

    @Test func implicitVRTakesVRsFromTheDictionary() throws {
        let body = Bytes.implicit(0x0010, 0x0010, Array("Synthetic^Test".utf8))
            + Bytes.implicit(0x0028, 0x0010, Bytes.le16(256))
        let file = try DICOMFile(bytes: Bytes.part10("1.2.840.10008.1.2", body: body))
        #expect(file.dataSet[Tag(0x0010, 0x0010)]?.vr == .PN)
        #expect(file.dataSet[Tag(0x0028, 0x0010)]?.vr == .US)
        #expect(file.dataSet.int(Tag(0x0028, 0x0010)) == 256)
    }

    @Test func undefinedLengthSequenceInsideUndefinedLengthItem() throws {
        // (0040,0275) SQ { item { (0040,0008) SQ { item { (0008,0100) SH "X1" } } (0040,0009) SH "S" } }
        let inner = Bytes.tag(0x0040, 0x0008) + Array("SQ".utf8) + [0, 0] + Bytes.le32(Bytes.undefined)
            + Bytes.itemStartUndefined + Bytes.explicit(0x0008, 0x0100, "SH", Array("X1".utf8)) + Bytes.itemEnd
            + Bytes.sequenceEnd
        let body = Bytes.tag(0x0040, 0x0275) + Array("SQ".utf8) + [0, 0] + Bytes.le32(Bytes.undefined)
            + Bytes.itemStartUndefined + inner + Bytes.explicit(0x0040, 0x0009, "SH", Array("S ".utf8)) + Bytes.itemEnd
            + Bytes.sequenceEnd
            + Bytes.explicit(0x0040, 0x1001, "SH", Array("AFTER ".utf8))
        let file = try DICOMFile(bytes: Bytes.part10("1.2.840.10008.1.2.1", body: body))
        let outer = try #require(file.dataSet[Tag(0x0040, 0x0275)]?.items)
        #expect(outer.count == 1)
        let nested = try #require(outer[0][Tag(0x0040, 0x0008)]?.items)
        #expect(nested[0].string(Tag(0x0008, 0x0100)) == "X1")
        #expect(outer[0].string(Tag(0x0040, 0x0009)) == "S")
        #expect(file.dataSet.string(Tag(0x0040, 0x1001)) == "AFTER")
    }

    @Test func definedLengthItemsInImplicitVR() throws {
        let itemBody = Bytes.implicit(0x0008, 0x1150, Array("1.2.3\0".utf8))
        let item = Bytes.tag(0xFFFE, 0xE000) + Bytes.le32(UInt32(itemBody.count)) + itemBody
        let body = Bytes.implicit(0x0008, 0x1140, item + item)
        let file = try DICOMFile(bytes: Bytes.part10("1.2.840.10008.1.2", body: body))
        let items = try #require(file.dataSet[Tag(0x0008, 0x1140)]?.items)
        #expect(items.count == 2)
        #expect(items[1].string(Tag(0x0008, 0x1150)) == "1.2.3")
    }

    @Test func emptyValuesStayEmpty() throws {
        let body = Bytes.explicit(0x0010, 0x0010, "PN", []) + Bytes.explicit(0x0028, 0x0010, "US", [])
        let file = try DICOMFile(bytes: Bytes.part10("1.2.840.10008.1.2.1", body: body))
        #expect(file.dataSet[Tag(0x0010, 0x0010)]?.inlineBytes == [])
        #expect(file.dataSet.string(Tag(0x0010, 0x0010)) == "")
        #expect(file.dataSet.int(Tag(0x0028, 0x0010)) == nil)
    }

    @Test func oddLengthValuesAreReadAndPaddedWhenWritten() throws {
        let body = Bytes.explicit(0x0008, 0x0060, "CS", Array("MR1".utf8))
        let file = try DICOMFile(bytes: Bytes.part10("1.2.840.10008.1.2.1", body: body))
        #expect(file.dataSet.string(Tag(0x0008, 0x0060)) == "MR1")
        let rewritten = try DICOMFile(bytes: try file.encoded())
        #expect(rewritten.dataSet[Tag(0x0008, 0x0060)]?.inlineBytes == Array("MR1 ".utf8))
    }

    @Test func unOfUndefinedLengthIsAnImplicitVRSequence() throws {
        // PS3.5 6.2.2: a sequence sent as UN keeps undefined length and implicit VR inside.
        let itemBody = Bytes.implicit(0x0008, 0x0100, Array("CODE01".utf8))
        let body = Bytes.tag(0x0009, 0x0010) + Array("LO".utf8) + Bytes.le16(8) + Array("SYNTHCO ".utf8)
            + Bytes.tag(0x0009, 0x1001) + Array("UN".utf8) + [0, 0] + Bytes.le32(Bytes.undefined)
            + Bytes.itemStartUndefined + itemBody + Bytes.itemEnd + Bytes.sequenceEnd
        let file = try DICOMFile(bytes: Bytes.part10("1.2.840.10008.1.2.1", body: body))
        let element = try #require(file.dataSet[Tag(0x0009, 0x1001)])
        #expect(element.vr == .SQ)
        #expect(element.items?.first?[Tag(0x0008, 0x0100)]?.vr == .SH)
        #expect(element.items?.first?.string(Tag(0x0008, 0x0100)) == "CODE01")
    }

    @Test func explicitUNOfAKnownTagTakesTheDictionaryVR() throws {
        let body = Bytes.explicit(0x0028, 0x0010, "UN", Bytes.le16(64))
        let file = try DICOMFile(bytes: Bytes.part10("1.2.840.10008.1.2.1", body: body))
        #expect(file.dataSet[Tag(0x0028, 0x0010)]?.vr == .US)
        #expect(file.dataSet.int(Tag(0x0028, 0x0010)) == 64)
    }

    @Test func bigEndianValuesAreSwappedToLittleEndian() throws {
        // (0028,0010) US 512 and (0028,0030) DS, in explicit VR big endian.
        let body: [UInt8] = [0x00, 0x28, 0x00, 0x10] + Array("US".utf8) + [0x00, 0x02, 0x02, 0x00]
            + [0x00, 0x28, 0x00, 0x30] + Array("DS".utf8) + [0x00, 0x04] + Array("1\\2 ".utf8)
        let file = try DICOMFile(bytes: Bytes.part10("1.2.840.10008.1.2.2", body: body))
        #expect(file.dataSet.int(Tag(0x0028, 0x0010)) == 512)
        #expect(file.dataSet.strings(Tag(0x0028, 0x0030)) == ["1", "2"])
        // Written back big endian, the bytes are the same.
        let again = try file.encoded()
        #expect(Array(again.suffix(body.count)) == body)
    }

    @Test func encapsulatedPixelDataKeepsOffsetTableAndFragments() throws {
        let offsets = Bytes.le32(0) + Bytes.le32(10)
        let body = Bytes.tag(0x7FE0, 0x0010) + Array("OB".utf8) + [0, 0] + Bytes.le32(Bytes.undefined)
            + Bytes.tag(0xFFFE, 0xE000) + Bytes.le32(8) + offsets
            + Bytes.tag(0xFFFE, 0xE000) + Bytes.le32(2) + [0xFF, 0xD8]
            + Bytes.tag(0xFFFE, 0xE000) + Bytes.le32(4) + [1, 2, 3, 4]
            + Bytes.sequenceEnd
        let file = try DICOMFile(bytes: Bytes.part10("1.2.840.10008.1.2.4.50", body: body))
        guard case .encapsulated(let pixels)? = file.dataSet[.pixelData]?.value else {
            Issue.record("pixel data not encapsulated")
            return
        }
        #expect(try pixels.basicOffsets() == [0, 10])
        #expect(pixels.fragments.count == 2)
        #expect(try pixels.fragments[1].load() == [1, 2, 3, 4])
        #expect(pixels.encodedLength == 16 + 10 + 12)
        #expect(Array(try file.encoded().suffix(body.count)) == body)
    }

    @Test func deflatedFilesRoundTrip() throws {
        var dataSet = DataSet()
        dataSet.insert(.text(Tag(0x0010, 0x0010), .PN, ["Synthetic^Deflate"]))
        dataSet.insert(.text(Tag(0x0010, 0x0020), .LO, [String(repeating: "A", count: 4000)]))
        let file = DICOMFile(meta: DataSet(), dataSet: dataSet, transferSyntax: .deflatedExplicitVRLittleEndian)
        let bytes = try file.encoded()
        #expect(bytes.count < 1000, "4000 repeated characters should deflate")
        let read = try DICOMFile(bytes: bytes)
        #expect(read.transferSyntax == .deflatedExplicitVRLittleEndian)
        #expect(read.dataSet == dataSet)
    }

    @Test func aDeflatedDataSetThatInflatesPastItsBoundIsRefused() throws {
        // 20 MiB of zeros deflate to about 20 KiB: 1,000 times, past the floor and the ratio.
        var dataSet = DataSet()
        dataSet.insert(.text(Tag(0x0011, 0x0010), .LO, ["SYNTHETIC CREATOR"]))
        dataSet.insert(DataElement(tag: Tag(0x0011, 0x1010), vr: .OB, bytes: [UInt8](repeating: 0, count: 20 << 20)))
        let bytes = try DICOMFile(meta: DataSet(), dataSet: dataSet, transferSyntax: .deflatedExplicitVRLittleEndian).encoded()
        #expect(bytes.count * Deflate.maximumExpansion < 20 << 20)
        #expect {
            try DICOMFile(bytes: bytes)
        } throws: { error in
            "\(error)".contains("refused as a decompression bomb")
        }
    }

    @Test func everyEncodingRoundTripsEveryVR() throws {
        var dataSet = DataSet()
        for (index, vr) in VR.allCases.enumerated() where vr != .SQ {
            // Private tags so that implicit VR cannot recover the VR: those come back UN.
            let tag = Tag(0x0011, UInt16(0x1000 + index))
            let bytes: [UInt8] = vr.isString ? Array("VALUE\\2 ".utf8) : [1, 0, 0, 0, 2, 0, 0, 0]
            dataSet.insert(DataElement(tag: tag, vr: vr, bytes: bytes))
        }
        dataSet.insert(.text(Tag(0x0011, 0x0010), .LO, ["SYNTHETIC CREATOR"]))
        dataSet.insert(DataElement(tag: Tag(0x0011, 0x1099), items: [DataSet([.text(Tag(0x0008, 0x0100), .SH, ["C"])]), DataSet()]))
        for syntax in [TransferSyntax.explicitVRLittleEndian, .explicitVRBigEndian, .deflatedExplicitVRLittleEndian] {
            let read = try DICOMFile(bytes: DICOMFile(meta: DataSet(), dataSet: dataSet, transferSyntax: syntax).encoded())
            #expect(read.dataSet == dataSet, "\(syntax)")
        }
        let implicit = try DICOMFile(bytes: DICOMFile(meta: DataSet(), dataSet: dataSet, transferSyntax: .implicitVRLittleEndian).encoded())
        for element in dataSet where element.tag.element >= 0x1000 && element.vr != .SQ {
            #expect(try implicit.dataSet[element.tag]?.loadBytes() == element.inlineBytes)
        }
        #expect(implicit.dataSet[Tag(0x0011, 0x1099)]?.items?.count == 2)
    }

    @Test func largeValuesStayInTheFileUntilAsked() throws {
        let pixels = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let body = Bytes.explicit(0x0028, 0x0010, "US", Bytes.le16(1)) + Bytes.explicit(0x7FE0, 0x0010, "OB", pixels)
        let path = try TemporaryFile.write(Bytes.part10("1.2.840.10008.1.2.1", body: body))
        defer { unlink(path) }
        let file = try DICOMFile(contentsOf: path)
        guard case .bytes(.file(let region))? = file.dataSet[.pixelData]?.value else {
            Issue.record("pixel data was loaded")
            return
        }
        #expect(region.length == UInt64(pixels.count))
        #expect(try region.load() == pixels)
        let inMemory = try DICOMFile(contentsOf: path, options: .init(deferValuesLargerThan: nil))
        #expect(inMemory.dataSet[.pixelData]?.inlineBytes == pixels)
    }

    @Test func durableWriteLeavesNoTemporaryFiles() throws {
        let folder = try TemporaryFile.folder()
        var dataSet = DataSet()
        dataSet.insert(.uid(.sopInstanceUID, "1.2.3.4"))
        try DICOMFile(meta: DataSet(), dataSet: dataSet, transferSyntax: .explicitVRLittleEndian)
            .write(toPath: folder + "/a.dcm", durable: true)
        #expect(try TemporaryFile.list(folder) == ["a.dcm"])
        #expect(try DICOMFile(contentsOf: folder + "/a.dcm").meta.string(.mediaStorageSOPInstanceUID) == "1.2.3.4")
        let written = try DICOMFile(contentsOf: folder + "/a.dcm")
        #expect(written.meta.string(.implementationClassUID) == DICOMFile.implementationClassUID)
    }
}

@Suite struct Part10MalformedInputTests {
    private static let sample: [UInt8] = {
        let itemBody = Bytes.explicit(0x0008, 0x1150, "UI", Array("1.2.3\0".utf8))
        let body = Bytes.explicit(0x0008, 0x0060, "CS", Array("CT".utf8))
            + Bytes.tag(0x0008, 0x1140) + Array("SQ".utf8) + [0, 0] + Bytes.le32(Bytes.undefined)
            + Bytes.itemStartUndefined + itemBody + Bytes.itemEnd + Bytes.sequenceEnd
            + Bytes.explicit(0x7FE0, 0x0010, "OW", [UInt8](repeating: 7, count: 64))
        return Bytes.part10("1.2.840.10008.1.2.1", body: body)
    }()

    @Test func everyTruncationIsAnErrorOrAShorterDataSetNeverACrash() {
        for length in 0..<Self.sample.count {
            do {
                _ = try DICOMFile(bytes: Array(Self.sample.prefix(length)))
            } catch let error as DICOMParseError {
                #expect(error.offset <= length)
                #expect(!error.description.isEmpty)
            } catch {
                Issue.record("unexpected error type \(error)")
            }
        }
    }

    @Test func missingDICMPrefixIsNotPart10() {
        #expect(throws: DICOMParseError.self) { try DICOMFile(bytes: [UInt8](repeating: 0, count: 200)) }
        do {
            _ = try DICOMFile(bytes: [UInt8](repeating: 0x41, count: 10))
        } catch let error as DICOMParseError {
            #expect(error.description.hasPrefix("byte 10: not a DICOM Part 10 file"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func valuePastTheEndNamesTheTagAndOffset() {
        let body = Bytes.tag(0x0010, 0x0010) + Array("PN".utf8) + Bytes.le16(40) + Array("SHORT".utf8)
        let bytes = Bytes.part10("1.2.840.10008.1.2.1", body: body)
        do {
            _ = try DICOMFile(bytes: bytes)
            Issue.record("a value past the end was accepted")
        } catch let error as DICOMParseError {
            #expect(error.problem == .valuePastEnd(tag: Tag(0x0010, 0x0010), length: 40, available: 5))
            #expect(error.offset == bytes.count - 5)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func unknownVRLettersAreRefused() {
        let body = Bytes.tag(0x0010, 0x0010) + Array("ZZ".utf8) + Bytes.le16(2) + Array("AB".utf8)
        #expect(throws: DICOMParseError.self) { try DICOMFile(bytes: Bytes.part10("1.2.840.10008.1.2.1", body: body)) }
    }

    @Test func deepNestingIsRefusedNotAStackOverflow() {
        var body: [UInt8] = []
        for _ in 0..<200 {
            body += Bytes.tag(0x0040, 0x0275) + Array("SQ".utf8) + [0, 0] + Bytes.le32(Bytes.undefined) + Bytes.itemStartUndefined
        }
        do {
            _ = try DICOMFile(bytes: Bytes.part10("1.2.840.10008.1.2.1", body: body))
            Issue.record("200 nested sequences accepted")
        } catch let error as DICOMParseError {
            #expect(error.problem == .nestingTooDeep(limit: DataSetParser.maximumDepth))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func randomByteFlipsNeverCrash() {
        var generator = SplitMix64(seed: 42)
        for _ in 0..<2000 {
            var bytes = Self.sample
            for _ in 0..<Int(generator.next() % 8 + 1) {
                let index = 132 + Int(generator.next() % UInt64(bytes.count - 132))
                bytes[index] = UInt8(truncatingIfNeeded: generator.next())
            }
            _ = try? DICOMFile(bytes: bytes)
        }
    }
}

/// A seeded generator so a failing case can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum TemporaryFile {
    static func folder() throws -> String {
        var template = Array("/tmp/rampart-test-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw DICOMFileError.cannotWrite(path: "/tmp", errno: errno) }
        return String(cString: made)
    }

    static func write(_ bytes: [UInt8]) throws -> String {
        let path = try folder() + "/file.dcm"
        let sink = try FileSink(creating: path)
        try sink.write(bytes)
        try sink.flush()
        return path
    }

    static func list(_ folder: String) throws -> [String] {
        guard let dir = opendir(folder) else { throw DICOMFileError.cannotOpen(path: folder, errno: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}
