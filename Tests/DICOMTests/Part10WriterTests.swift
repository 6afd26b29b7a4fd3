import Testing
@testable import DICOM

/// A file written element by element, a value streamed in pieces, is the file `DICOMFile`
/// writes whole, in every syntax Rampart writes.
@Suite struct Part10WriterTests {
    private let pixelData = Tag(0x7FE0, 0x0010)
    private let words: [UInt8] = (0..<40).map { UInt8($0 * 3) }

    private func file(_ syntax: TransferSyntax, pixels: DataElement) -> DICOMFile {
        var dataSet = DataSet([
            .uid(.sopClassUID, "1.2.840.10008.5.1.4.1.1.7"),
            .uid(.sopInstanceUID, "2.25.42"),
            .text(Tag(0x0010, 0x0020), .LO, ["SYNTHETIC"]),
            DataElement(tag: Tag(0x0028, 0x0010), vr: .US, bytes: [4, 0]),
            pixels,
        ])
        dataSet.insert(DataElement(tag: Tag(0xFFFC, 0xFFFC), vr: .OB, bytes: [0, 0]))
        return DICOMFile(meta: DataSet(), dataSet: dataSet, transferSyntax: syntax)
    }

    /// `file` written by `Part10Writer`, Pixel Data through `writePixels`, every other element whole.
    private func written(_ file: DICOMFile, _ writePixels: (inout Part10Writer<ByteArraySink>) throws -> Void) throws -> [UInt8] {
        var writer = try Part10Writer(into: ByteArraySink(), fileMeta: file.metaForWriting(), transferSyntax: file.transferSyntax)
        for element in file.dataSet {
            if element.tag == pixelData { try writePixels(&writer) } else { try writer.write(element) }
        }
        return try writer.finish().bytes
    }

    @Test(arguments: [TransferSyntax.explicitVRLittleEndian, .implicitVRLittleEndian, .explicitVRBigEndian, .deflatedExplicitVRLittleEndian])
    func aValueStreamedInPiecesIsTheWholeValue(syntax: TransferSyntax) throws {
        let whole = file(syntax, pixels: DataElement(tag: pixelData, vr: .OW, bytes: words))
        let bytes = try written(whole) { writer in
            try writer.beginValue(pixelData, vr: .OW, length: words.count)
            for start in stride(from: 0, to: words.count, by: 8) { try writer.writeValueBytes(Array(words[start..<start + 8]), vr: .OW) }
        }
        #expect(bytes == (try whole.encoded()))
    }

    @Test func encapsulatedItemsArePaddedAsDICOMFileWritesThem() throws {
        let fragments: [[UInt8]] = [[1, 2, 3], [4, 5, 6, 7]]
        let pixels = EncapsulatedPixelData(fragments: fragments.map { .inline($0) })
        let whole = file(.init(uid: "1.2.840.10008.1.2.5"), pixels: DataElement(tag: pixelData, vr: .OB, value: .encapsulated(pixels)))
        let bytes = try written(whole) { writer in
            try writer.beginEncapsulated(pixelData)
            try writer.writeItem([])
            for fragment in fragments { try writer.writeItem(fragment) }
            try writer.endEncapsulated()
        }
        #expect(bytes == (try whole.encoded()))
    }

    @Test func aValueTooLongForItsLengthFieldIsRefused() throws {
        var writer = try Part10Writer(into: ByteArraySink(), fileMeta: DataSet(), transferSyntax: .explicitVRLittleEndian)
        #expect(throws: DICOMEncodingError.self) { try writer.beginValue(pixelData, vr: .OB, length: 0xFFFF_FFFF) }
    }
}
