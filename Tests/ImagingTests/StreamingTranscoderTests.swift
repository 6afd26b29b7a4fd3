import DICOM
import Foundation
import Testing
@testable import Imaging

private typealias Tag = DICOM.Tag

/// The streaming transcoder writes the file the in-memory one describes: the same bytes for a
/// native target, and for an encapsulated one the same bytes once its Basic Offset Table (left
/// empty when streaming) is emptied in the in-memory result too. The source is read from disk
/// with its Pixel Data left in the file, as `rampart transcode` reads it.
@Suite struct StreamingTranscoderTests {
    private let rle = TransferSyntax(uid: RLELossless.transferSyntaxUID)
    private let pixelData = Tag(0x7FE0, 0x0010)

    /// A multi-frame image with a few ordinary attributes around the Image Pixel module.
    private func image(frames: Int, bits: Int, rows: Int = 12, columns: Int = 10) -> DataSet {
        let length = frames * rows * columns * bits / 8
        let pixels = (0..<length).map { $0 % 7 < 3 ? UInt8(9) : UInt8(truncatingIfNeeded: $0 &* 131 &+ $0 / 11) }
        var dataSet = ImagingFixtures.monochrome(rows: rows, columns: columns, bits: bits, frames: frames, pixels: pixels)
        dataSet.insert(.uid(Tag(0x0008, 0x0016), "1.2.840.10008.5.1.4.1.1.7.2"))
        dataSet.insert(.uid(Tag(0x0008, 0x0018), "2.25.1234567"))
        dataSet.insert(.text(Tag(0x0008, 0x0060), .CS, ["OT"]))
        dataSet.insert(.text(Tag(0x0020, 0x4000), .LT, ["after-image comment"]))
        dataSet.insert(DataElement(tag: Tag(0xFFFC, 0xFFFC), vr: .OB, bytes: [0, 0]))  // Data Set Trailing Padding, after Pixel Data
        return dataSet
    }

    /// `dataSet` in `syntax` written to a temporary file and read back with values over 64 bytes
    /// deferred, so frames come from file regions; the file is removed when `body` returns.
    @discardableResult
    private func onDisk<T>(_ dataSet: DataSet, in syntax: TransferSyntax, _ body: (DICOMFile) throws -> T) throws -> T {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("streaming-\(UUID().uuidString).dcm").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try DICOMFile(meta: DataSet(), dataSet: dataSet, transferSyntax: syntax).write(toPath: path)
        return try body(try DICOMFile(contentsOf: path, options: .init(deferValuesLargerThan: 64)))
    }

    private func streamed(_ file: DICOMFile, to target: TransferSyntax, quality: Int = JPEGBaseline.defaultQuality) throws -> [UInt8] {
        try Transcoder(jpegQuality: quality).transcode(file, to: target, into: ByteArraySink()).bytes
    }

    /// The in-memory result written as a file, its Basic Offset Table emptied.
    private func inMemory(_ file: DICOMFile, to target: TransferSyntax, quality: Int = JPEGBaseline.defaultQuality) throws -> [UInt8] {
        var dataSet = try Transcoder(jpegQuality: quality).transcode(file.dataSet, from: file.transferSyntax, to: target)
        if case var .encapsulated(pixels)? = dataSet[pixelData]?.value {
            pixels.basicOffsetTable = .inline([])
            dataSet.insert(DataElement(tag: pixelData, vr: .OB, value: .encapsulated(pixels)))
        }
        return try DICOMFile(meta: file.meta, dataSet: dataSet, transferSyntax: target).encoded()
    }

    @Test(arguments: [8, 16])
    func nativeToRLEAndBackEqualsTheInMemoryPath(bits: Int) throws {
        let source = image(frames: 5, bits: bits)
        let compressed = try onDisk(source, in: .explicitVRLittleEndian) { file in
            let bytes = try streamed(file, to: rle)
            #expect(bytes == (try inMemory(file, to: rle)))
            return bytes
        }
        let rleFile = try DICOMFile(bytes: compressed)
        guard case let .encapsulated(pixels)? = rleFile.dataSet[pixelData]?.value else {
            Issue.record("the RLE file's Pixel Data is not encapsulated")
            return
        }
        #expect(pixels.basicOffsetTable.count == 0 && pixels.fragments.count == 5)
        for target in [TransferSyntax.explicitVRLittleEndian, .implicitVRLittleEndian, .explicitVRBigEndian, .deflatedExplicitVRLittleEndian] {
            let back = try onDisk(rleFile.dataSet, in: rle) { file in
                let bytes = try streamed(file, to: target)
                #expect(bytes == (try inMemory(file, to: target)), "RLE to \(target.name)")
                return bytes
            }
            #expect(try DICOMFile(bytes: back).dataSet[pixelData]?.loadBytes() == source[pixelData]?.loadBytes(), "RLE to \(target.name)")
        }
    }

    @Test func rleToJPEGLosslessKeepsEveryPixel() throws {
        let source = image(frames: 3, bits: 16)
        let jpegLossless = TransferSyntax(uid: JPEGLosslessFirstOrder.transferSyntaxUID)
        let rleDataSet = try Transcoder().transcode(source, from: .explicitVRLittleEndian, to: rle)
        let jpeg = try onDisk(rleDataSet, in: rle) { file in
            let bytes = try streamed(file, to: jpegLossless)
            #expect(bytes == (try inMemory(file, to: jpegLossless)))
            return try DICOMFile(bytes: bytes)
        }
        let back = try Transcoder().transcode(jpeg.dataSet, from: jpegLossless, to: .explicitVRLittleEndian)
        #expect(try back[pixelData]?.loadBytes() == source[pixelData]?.loadBytes())
    }

    /// The compression ratio, written before Pixel Data, counts every frame as the in-memory path does.
    @Test func lossyJPEGCarriesTheRatioOfAllFrames() throws {
        let baseline = TransferSyntax(uid: JPEGBaseline.transferSyntaxUID)
        try onDisk(image(frames: 4, bits: 8, rows: 32, columns: 24), in: .explicitVRLittleEndian) { file in
            let bytes = try streamed(file, to: baseline, quality: 70)
            #expect(bytes == (try inMemory(file, to: baseline, quality: 70)))
            let written = try DICOMFile(bytes: bytes).dataSet
            #expect(written.string(Tag(0x0028, 0x2110)) == "01" && written[Tag(0x0028, 0x2112)] != nil)
        }
    }

    @Test func betweenNativeSyntaxesTheFileIsRewrittenAsIs() throws {
        try onDisk(image(frames: 2, bits: 16), in: .explicitVRLittleEndian) { file in
            let expected = try DICOMFile(meta: file.meta, dataSet: file.dataSet, transferSyntax: .implicitVRLittleEndian).encoded()
            #expect(try streamed(file, to: .implicitVRLittleEndian) == expected)
        }
    }

    /// A view sees the converted attributes; Pixel Data it keeps is streamed, Pixel Data it drops is not written.
    @Test func theViewIsAppliedToTheDataSetAsWritten() throws {
        let comments = Tag(0x0020, 0x4000)
        try onDisk(image(frames: 3, bits: 16), in: .explicitVRLittleEndian) { file in
            var seenPhotometric: [String?] = []
            let hidingComments = try DICOMFile(bytes: Transcoder().transcode(file, to: rle, showing: { dataSet in
                seenPhotometric.append(dataSet.string(Tag(0x0028, 0x0004)))
                return DataSet(dataSet.filter { $0.tag != comments })
            }, into: ByteArraySink()).bytes)
            #expect(hidingComments.dataSet[comments] == nil && seenPhotometric == ["MONOCHROME2"])
            let expected = try DICOMFile(bytes: inMemory(file, to: rle)).dataSet
            #expect(hidingComments.dataSet[pixelData] == expected[pixelData])
            let hidingPixels = try DICOMFile(bytes: Transcoder().transcode(file, to: rle, showing: { dataSet in
                DataSet(dataSet.filter { $0.tag != pixelData })
            }, into: ByteArraySink()).bytes)
            #expect(hidingPixels.dataSet[pixelData] == nil && hidingPixels.dataSet[comments] != nil)
        }
    }

    @Test func aSyntaxWithoutAnEncoderIsRefusedBeforeAnythingIsWritten() throws {
        let htj2k = TransferSyntax(uid: "1.2.840.10008.1.2.4.201")
        try onDisk(image(frames: 2, bits: 16), in: .explicitVRLittleEndian) { file in
            #expect(throws: TranscodeError.unsupportedSyntax(htj2k, reading: false)) {
                _ = try Transcoder().transcode(file, to: htj2k, into: ByteArraySink())
            }
        }
    }

    @Test func aDamagedFrameIsACodecErrorNamingIt() throws {
        var rleDataSet = try Transcoder().transcode(image(frames: 3, bits: 16), from: .explicitVRLittleEndian, to: rle)
        guard case var .encapsulated(pixels)? = rleDataSet[pixelData]?.value else {
            Issue.record("the RLE data set's Pixel Data is not encapsulated")
            return
        }
        pixels.fragments[1] = .inline([0xFF, 0, 0, 0])  // an RLE header claiming 255 segments
        pixels.basicOffsetTable = .inline([])  // one fragment per frame still delimits them
        rleDataSet.insert(DataElement(tag: pixelData, vr: .OB, value: .encapsulated(pixels)))
        try onDisk(rleDataSet, in: rle) { file in
            #expect {
                _ = try Transcoder().transcode(file, to: .explicitVRLittleEndian, into: ByteArraySink())
            } throws: { error in
                guard case .codec(frame: 2, _)? = error as? TranscodeError else { return false }
                return true
            }
        }
    }
}
