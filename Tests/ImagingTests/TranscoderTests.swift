import DICOM
import Testing
@testable import Imaging

private typealias Tag = DICOM.Tag

/// Pixel data moved between native syntaxes and RLE Lossless keeps every value, and the Image
/// Pixel attributes say how the new frames are laid out.
@Suite struct TranscoderTests {
    private let rle = TransferSyntax(uid: RLELossless.transferSyntaxUID)

    private func unsignedShort(_ group: UInt16, _ element: UInt16, _ value: Int) -> DataElement {
        DataElement(tag: Tag(group, element), vr: .US, bytes: [UInt8(value & 0xFF), UInt8(value >> 8)])
    }

    private func text(_ group: UInt16, _ element: UInt16, _ vr: VR, _ value: String) -> DataElement {
        let bytes = Array(value.utf8)
        return DataElement(tag: Tag(group, element), vr: vr, bytes: bytes.count % 2 == 0 ? bytes : bytes + [0x20])
    }

    private func image(frames: Int, samples: Int, bits: Int, planar: Bool) -> (DataSet, [UInt8]) {
        let rows = 6, columns = 7
        let length = frames * rows * columns * samples * bits / 8
        let pixels = (0..<length).map { $0 % 9 < 4 ? UInt8(3) : UInt8(truncatingIfNeeded: $0 &* 37) }
        var dataSet = DataSet()
        dataSet.insert(unsignedShort(0x0028, 0x0002, samples))
        dataSet.insert(text(0x0028, 0x0004, .CS, samples == 3 ? "RGB" : "MONOCHROME2"))
        if samples > 1 { dataSet.insert(unsignedShort(0x0028, 0x0006, planar ? 1 : 0)) }
        dataSet.insert(text(0x0028, 0x0008, .IS, "\(frames)"))
        dataSet.insert(unsignedShort(0x0028, 0x0010, rows))
        dataSet.insert(unsignedShort(0x0028, 0x0011, columns))
        dataSet.insert(unsignedShort(0x0028, 0x0100, bits))
        dataSet.insert(unsignedShort(0x0028, 0x0101, bits))
        dataSet.insert(unsignedShort(0x0028, 0x0103, 1))
        dataSet.insert(DataElement(tag: Tag(0x7FE0, 0x0010), vr: bits > 8 ? .OW : .OB, bytes: pixels.count % 2 == 0 ? pixels : pixels + [0]))
        return (dataSet, pixels)
    }

    @Test func multiFrameSixteenBitRoundTripsThroughRLE() throws {
        let (native, pixels) = image(frames: 3, samples: 1, bits: 16, planar: false)
        let compressed = try Transcoder().transcode(native, from: .explicitVRLittleEndian, to: rle)
        guard case let .encapsulated(data)? = compressed[Tag(0x7FE0, 0x0010)]?.value else {
            Issue.record("the RLE data set's pixel data is not encapsulated")
            return
        }
        #expect(data.fragments.count == 3 && data.basicOffsetTable.count == 12)
        let back = try Transcoder().transcode(compressed, from: rle, to: .implicitVRLittleEndian)
        #expect(try back[Tag(0x7FE0, 0x0010)]?.loadBytes() == pixels)
        #expect(back.string(Tag(0x0028, 0x0004)) == "MONOCHROME2")
    }

    @Test func planarRGBComesBackInterleavedAndSaysSo() throws {
        let (native, pixels) = image(frames: 2, samples: 3, bits: 8, planar: true)
        let compressed = try Transcoder().transcode(native, from: .explicitVRLittleEndian, to: rle)
        #expect(compressed.int(Tag(0x0028, 0x0006)) == 0)
        let back = try Transcoder().transcode(compressed, from: rle, to: .explicitVRLittleEndian)
        let frameLength = 6 * 7 * 3
        let interleaved = (0..<2).flatMap { frame in
            (0..<42).flatMap { pixel in (0..<3).map { pixels[frame * frameLength + $0 * 42 + pixel] } }
        }
        #expect(try back[Tag(0x7FE0, 0x0010)]?.loadBytes() == interleaved)
        #expect(back.int(Tag(0x0028, 0x0006)) == 0)
    }

    @Test func multiFrameRGBRoundTripsThroughJPEGLossless() throws {
        let jpegLossless = TransferSyntax(uid: JPEGLosslessFirstOrder.transferSyntaxUID)
        let (native, pixels) = image(frames: 3, samples: 3, bits: 16, planar: false)
        let compressed = try Transcoder().transcode(native, from: .explicitVRLittleEndian, to: jpegLossless)
        guard case let .encapsulated(data)? = compressed[Tag(0x7FE0, 0x0010)]?.value else {
            Issue.record("the JPEG Lossless data set's pixel data is not encapsulated")
            return
        }
        #expect(data.fragments.count == 3 && data.basicOffsetTable.count == 12)
        #expect(compressed.string(Tag(0x0028, 0x0004)) == "RGB" && compressed[Tag(0x0028, 0x2110)] == nil)
        // Selection value 1 streams are also valid process 14 (.57) streams.
        let asAnyPredictor = TransferSyntax(uid: JPEGLossless.transferSyntaxUID)
        for source in [jpegLossless, asAnyPredictor] {
            let back = try Transcoder().transcode(compressed, from: source, to: .explicitVRLittleEndian)
            #expect(try back[Tag(0x7FE0, 0x0010)]?.loadBytes() == pixels)
        }
    }

    @Test func jpegLosslessOfAnyPredictorIsReadNotWritten() {
        let (native, _) = image(frames: 1, samples: 1, bits: 8, planar: false)
        let anyPredictor = TransferSyntax(uid: JPEGLossless.transferSyntaxUID)
        #expect(throws: TranscodeError.unsupportedSyntax(anyPredictor, reading: false)) {
            try Transcoder().transcode(native, from: .explicitVRLittleEndian, to: anyPredictor)
        }
        let message = TranscodeError.unsupportedSyntax(anyPredictor, reading: false).description
        #expect(message.contains("First-Order Prediction") && message.contains("RLE Lossless"))
    }

    @Test func multiFrameRGBRoundTripsThroughJPEGLS() throws {
        let jpegLS = TransferSyntax(uid: JPEGLSLossless.transferSyntaxUID)
        let (native, pixels) = image(frames: 3, samples: 3, bits: 16, planar: false)
        let compressed = try Transcoder().transcode(native, from: .explicitVRLittleEndian, to: jpegLS)
        guard case let .encapsulated(data)? = compressed[Tag(0x7FE0, 0x0010)]?.value else {
            Issue.record("the JPEG-LS data set's pixel data is not encapsulated")
            return
        }
        #expect(data.fragments.count == 3 && compressed[Tag(0x0028, 0x2110)] == nil)
        let back = try Transcoder().transcode(compressed, from: jpegLS, to: .explicitVRLittleEndian)
        #expect(try back[Tag(0x7FE0, 0x0010)]?.loadBytes() == pixels)
    }

    @Test func aSyntaxWithoutACodecIsNamed() {
        let (native, _) = image(frames: 1, samples: 1, bits: 8, planar: false)
        // HTJ2K is decoded, never encoded.
        let htj2k = TransferSyntax(uid: "1.2.840.10008.1.2.4.201")
        #expect(throws: TranscodeError.unsupportedSyntax(htj2k, reading: false)) {
            try Transcoder().transcode(native, from: .explicitVRLittleEndian, to: htj2k)
        }
        let message = TranscodeError.unsupportedSyntax(htj2k, reading: false).description
        #expect(message.contains("High-Throughput JPEG 2000 Image Compression (Lossless Only)") && message.contains("JPEG-LS Lossless Image Compression"))
    }

    @Test func aNumberOfFramesPastThePixelDataIsRefused() {
        var (native, _) = image(frames: 1, samples: 1, bits: 16, planar: false)
        native.insert(text(0x0028, 0x0008, .IS, "2147483647"))
        #expect(throws: TranscodeError.self) { try Transcoder().transcode(native, from: .explicitVRLittleEndian, to: rle) }
        native.insert(unsignedShort(0x0028, 0x0100, 0))
        #expect(throws: TranscodeError.unusableAttribute("Bits Allocated", Tag(0x0028, 0x0100))) {
            try Transcoder().transcode(native, from: .explicitVRLittleEndian, to: rle)
        }
    }

    @Test func damagedRLEFramesAreACodecErrorNamingTheFrame() throws {
        let (native, _) = image(frames: 2, samples: 1, bits: 8, planar: false)
        var compressed = try Transcoder().transcode(native, from: .explicitVRLittleEndian, to: rle)
        guard case var .encapsulated(data)? = compressed[Tag(0x7FE0, 0x0010)]?.value else {
            Issue.record("the RLE data set's pixel data is not encapsulated")
            return
        }
        data.fragments[1] = .inline(Array(try data.fragments[1].load().prefix(70)))
        data.basicOffsetTable = .inline([])
        compressed.insert(DataElement(tag: Tag(0x7FE0, 0x0010), vr: .OB, value: .encapsulated(data)))
        do {
            _ = try Transcoder().transcode(compressed, from: rle, to: .explicitVRLittleEndian)
            Issue.record("a truncated frame decoded")
        } catch {
            guard case .codec(frame: 2, .malformed) = error else { Issue.record("\(error)"); return }
        }
    }
}
