import DICOM
import Testing
@testable import Imaging

private typealias Tag = DICOM.Tag

/// Lossy JPEG (Baseline and Extended) frames come back close to what was encoded: 8-bit through
/// libjpeg-turbo, 12-bit through the Swift DCT codec, which reads libjpeg-turbo's 8-bit streams
/// to the same samples; damaged streams are refused with a CodecError, never a trap.
@Suite struct JPEGBaselineTests {
    private func layout(rows: Int = 37, columns: Int = 45, samples: Int = 1, bits: Int = 8, stored: Int? = nil, planar: Bool = false,
                        photometric: String? = nil) -> FrameLayout {
        FrameLayout(rows: rows, columns: columns, samplesPerPixel: samples, bitsAllocated: bits, bitsStored: stored ?? bits, isSigned: false,
                    isPlanar: planar, photometricInterpretation: photometric ?? (samples == 3 ? "RGB" : "MONOCHROME2"))
    }

    /// A smooth image (gradients and a soft ripple), what lossy JPEG is made for, at `bits` bits per sample.
    private func values(_ frame: FrameLayout, bits: Int) -> [Int] {
        let maximum = Double(1 << bits - 1)
        var result: [Int] = []
        for row in 0..<frame.rows {
            for column in 0..<frame.columns {
                for sample in 0..<frame.samplesPerPixel {
                    let x = Double(column) / Double(frame.columns), y = Double(row) / Double(frame.rows)
                    let wave = (x * 3 + y * 2 + Double(sample)).truncatingRemainder(dividingBy: 1)
                    result.append(Int((maximum * (0.2 + 0.3 * x + 0.2 * y + 0.2 * abs(wave - 0.5))).rounded()))
                }
            }
        }
        return result
    }

    private func bytes(_ values: [Int], bits: Int) -> [UInt8] {
        bits == 8 ? values.map { UInt8($0) } : values.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    }

    private func samples(_ bytes: [UInt8], bits: Int) -> [Int] {
        bits == 8 ? bytes.map(Int.init) : stride(from: 0, to: bytes.count, by: 2).map { Int(bytes[$0]) | Int(bytes[$0 + 1]) << 8 }
    }

    private func largestDifference(_ a: [Int], _ b: [Int]) -> Int {
        zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    @Test func greyscaleRoundTripsThroughJPEGBaselineWithinTheQuantizationError() throws {
        let frame = layout()
        let original = values(frame, bits: 8)
        let encoded = try JPEGBaseline().encode(bytes(original, bits: 8), layout: frame)
        #expect(Array(encoded.bytes.prefix(2)) == [0xFF, 0xD8])
        #expect(encoded.photometricInterpretation == "MONOCHROME2" && encoded.lossyMethod == "ISO_10918_1")
        let decoded = try JPEGBaseline().decode(encoded.bytes, layout: frame)
        #expect(decoded.layout == frame)
        #expect(largestDifference(original, samples(decoded.bytes, bits: 8)) <= 4)
    }

    @Test func rgbIsEncodedAsYBRFull422AndDecodedBackToRGB() throws {
        for planar in [false, true] {
            let frame = layout(samples: 3, planar: planar)
            let interleaved = values(frame, bits: 8)
            var native = interleaved
            if planar {
                let pixels = frame.rows * frame.columns
                native = (0..<3).flatMap { sample in (0..<pixels).map { interleaved[$0 * 3 + sample] } }
            }
            let encoded = try JPEGBaseline().encode(bytes(native, bits: 8), layout: frame)
            #expect(encoded.photometricInterpretation == "YBR_FULL_422")
            var stored = frame
            stored.photometricInterpretation = "YBR_FULL_422"
            stored.isPlanar = false
            let decoded = try JPEGBaseline().decode(encoded.bytes, layout: stored)
            #expect(decoded.layout.photometricInterpretation == "RGB" && !decoded.layout.isPlanar)
            #expect(largestDifference(interleaved, samples(decoded.bytes, bits: 8)) <= 12)
        }
    }

    /// The Swift decoder computes as libjpeg does (islow IDCT, fancy upsampling, fixed-point colour):
    /// on 8-bit streams it returns libjpeg-turbo's samples exactly, grey and 4:2:2 colour alike.
    @Test func swiftDecoderReadsLibjpegTurbosStreamsSampleForSample() throws {
        for samples in [1, 3] {
            let frame = layout(rows: 61, columns: 77, samples: samples)
            let encoded = try JPEGBaseline(quality: 75).encode(bytes(values(frame, bits: 8), bits: 8), layout: frame)
            var stored = frame
            stored.photometricInterpretation = encoded.photometricInterpretation
            let byTurbo = try JPEGBaseline().decode(encoded.bytes, layout: stored)
            var swift = JPEGDCTDecoder(encoded.bytes, layout: stored, syntax: "test")
            let bySwift = try swift.decode()
            #expect(bySwift == byTurbo)
        }
    }

    @Test func twelveBitGreyscaleRoundTripsThroughJPEGExtended() throws {
        for stored in [12, 10] {
            let frame = layout(bits: 16, stored: stored)
            let original = values(frame, bits: stored)
            let encoded = try JPEGExtended().encode(bytes(original, bits: 16), layout: frame)
            // SOI, then the quantization table and an SOF1 frame header of precision 12.
            #expect(Array(encoded.bytes.prefix(4)) == [0xFF, 0xD8, 0xFF, 0xDB])
            let frameHeader = try #require(encoded.bytes.indices.first { encoded.bytes[$0] == 0xFF && encoded.bytes[$0 + 1] == 0xC1 })
            #expect(encoded.bytes[frameHeader + 4] == 12)
            #expect(encoded.lossyMethod == "ISO_10918_1")
            let decoded = try JPEGExtended().decode(encoded.bytes, layout: frame)
            #expect(decoded.layout == frame)
            #expect(largestDifference(original, samples(decoded.bytes, bits: 16)) <= 1 << (stored - 8) * 4)
        }
    }

    @Test func signedFramesComeBackSignExtended() throws {
        let unsigned = layout(rows: 8, columns: 8, bits: 16, stored: 12)
        // 0x900 is -1792 as a 12-bit two's complement value.
        let encoded = try JPEGExtended(quality: 100).encode(bytes([Int](repeating: 0x900, count: 64), bits: 16), layout: unsigned)
        var signed = unsigned
        signed.isSigned = true
        let decoded = try JPEGExtended().decode(encoded.bytes, layout: signed)
        #expect(samples(decoded.bytes, bits: 16).allSatisfy { $0 == 0xF900 })
    }

    @Test func restartIntervalsAreFollowed() throws {
        let frame = layout(rows: 40, columns: 50, bits: 16, stored: 12)
        let native = bytes(values(frame, bits: 12), bits: 16)
        let plain = try JPEGDCTEncoder(syntax: "test", quality: 90).encode(native, layout: frame)
        var encoder = JPEGDCTEncoder(syntax: "test", quality: 90)
        encoder.restartInterval = 3
        let restarted = try encoder.encode(native, layout: frame)
        #expect(restarted.count > plain.count)
        #expect((0..<(restarted.count - 1)).contains { restarted[$0] == 0xFF && restarted[$0 + 1] == 0xD7 })
        #expect(try JPEGExtended().decode(restarted, layout: frame) == JPEGExtended().decode(plain, layout: frame))
        // A restart marker out of sequence is found.
        let first = try #require((0..<(restarted.count - 1)).first { restarted[$0] == 0xFF && restarted[$0 + 1] == 0xD0 })
        var damaged = restarted
        damaged[first + 1] = 0xD3
        #expect(throws: CodecError.self) { try JPEGExtended().decode(damaged, layout: frame) }
    }

    @Test func damagedStreamsAreRefusedWithACodecError() throws {
        for (frame, encoded) in [(layout(), try JPEGBaseline().encode(bytes(values(layout(), bits: 8), bits: 8), layout: layout()).bytes),
                                 (layout(bits: 16, stored: 12), try JPEGExtended().encode(bytes(values(layout(bits: 16, stored: 12), bits: 12), bits: 16),
                                                                                          layout: layout(bits: 16, stored: 12)).bytes)] {
            let scan = try #require((0..<(encoded.count - 1)).first { encoded[$0] == 0xFF && encoded[$0 + 1] == 0xDA })
            var bigger = encoded
            let sof = try #require((0..<(encoded.count - 1)).first { encoded[$0] == 0xFF && (encoded[$0 + 1] == 0xC0 || encoded[$0 + 1] == 0xC1) })
            bigger[sof + 5] = 0xFF  // 65000-odd rows
            let variants: [[UInt8]] = [
                [], [0xFF, 0xD8], Array(encoded.prefix(100)), Array(encoded.prefix(scan + 20)), [0, 0] + encoded.dropFirst(2),
                Array(encoded.prefix(2)) + (0..<512).map { UInt8($0 & 0xFF) }, bigger,
            ]
            for variant in variants {
                #expect(throws: CodecError.self) { try JPEGBaseline().decode(variant, layout: frame) }
                var swift = JPEGDCTDecoder(variant, layout: frame, syntax: "test")
                #expect(throws: CodecError.self) { try swift.decode() }
            }
        }
    }

    @Test func aHeaderClaimingMoreBlocksThanTheStreamHoldsIsRefusedBeforeAllocating() throws {
        let frame = layout()
        let eightBit = try JPEGBaseline().encode(bytes(values(frame, bits: 8), bits: 8), layout: frame).bytes
        let twelveBit = try JPEGExtended().encode(bytes(values(layout(bits: 16, stored: 12), bits: 12), bits: 16), layout: layout(bits: 16, stored: 12)).bytes
        for (encoded, bits) in [(eightBit, 8), (twelveBit, 16)] {
            var huge = encoded
            let sof = try #require((0..<(encoded.count - 1)).first { encoded[$0] == 0xFF && (encoded[$0 + 1] == 0xC0 || encoded[$0 + 1] == 0xC1) })
            huge[sof + 5] = 0xFF  // 65,300-odd rows of 45 columns, which the data set says too
            huge[sof + 6] = 0x14
            let claimed = layout(rows: 0xFF14, bits: bits, stored: bits == 8 ? 8 : 12)
            #expect {
                try JPEGExtended().decode(huge, layout: claimed)
            } throws: { error in
                guard case let .malformed(_, reason)? = error as? CodecError else { return false }
                return reason.contains("cannot hold")
            }
        }
    }

    @Test func framesThatDoNotMatchTheDataSetAreRefused() throws {
        let encoded = try JPEGBaseline().encode(bytes(values(layout(), bits: 8), bits: 8), layout: layout())
        #expect(throws: CodecError.self) { try JPEGBaseline().decode(encoded.bytes, layout: layout(rows: 36)) }
        #expect(throws: CodecError.self) { try JPEGBaseline().decode(encoded.bytes, layout: layout(samples: 3)) }
        #expect(throws: CodecError.self) { try JPEGBaseline().encode([0, 1, 2], layout: layout()) }
        #expect(throws: CodecError.self) { try JPEGBaseline().encode(bytes(values(layout(bits: 16), bits: 16), bits: 16), layout: layout(bits: 16)) }
        #expect(throws: CodecError.self) { try JPEGExtended().encode(bytes(values(layout(samples: 3, bits: 16, stored: 12), bits: 12), bits: 16),
                                                                     layout: layout(samples: 3, bits: 16, stored: 12)) }
    }

    @Test func transcodingToJPEGRecordsTheLossyCompression() throws {
        var dataSet = DataSet()
        let frame = layout(bits: 16, stored: 12)
        let native = bytes(values(frame, bits: 12), bits: 16)
        dataSet.insert(DataElement(tag: ImagingTag.rows, vr: .US, bytes: [UInt8(frame.rows), 0]))
        dataSet.insert(DataElement(tag: ImagingTag.columns, vr: .US, bytes: [UInt8(frame.columns), 0]))
        dataSet.insert(DataElement(tag: ImagingTag.bitsAllocated, vr: .US, bytes: [16, 0]))
        dataSet.insert(DataElement(tag: ImagingTag.bitsStored, vr: .US, bytes: [12, 0]))
        dataSet.insert(DataElement(tag: ImagingTag.samplesPerPixel, vr: .US, bytes: [1, 0]))
        dataSet.insert(DataElement(tag: ImagingTag.numberOfFrames, vr: .IS, bytes: Array("2 ".utf8)))
        dataSet.insert(DataElement(tag: Tag(0x0028, 0x0103), vr: .US, bytes: [0, 0]))
        dataSet.insert(DataElement(tag: ImagingTag.photometricInterpretation, vr: .CS, bytes: Array("MONOCHROME2 ".utf8)))
        dataSet.insert(DataElement(tag: ImagingTag.pixelData, vr: .OW, bytes: native + native.reversed()))
        let jpeg = try Transcoder(jpegQuality: 80).transcode(dataSet, from: .explicitVRLittleEndian, to: TransferSyntax(uid: JPEGExtended.transferSyntaxUID))
        #expect(jpeg.string(Tag(0x0028, 0x2110)) == "01")
        #expect(jpeg.string(Tag(0x0028, 0x2114)) == "ISO_10918_1")
        let ratio = try #require(jpeg.string(Tag(0x0028, 0x2112)).flatMap(Double.init))
        #expect(ratio > 1)
        let back = try Transcoder().transcode(jpeg, from: TransferSyntax(uid: JPEGExtended.transferSyntaxUID), to: .explicitVRLittleEndian)
        let frames = try DecodedFrames(jpeg, syntax: TransferSyntax(uid: JPEGExtended.transferSyntaxUID))
        #expect(frames.count == 2)
        #expect(try frames.frame(1).bytes.count == native.count)
        #expect(try back[ImagingTag.pixelData]?.loadBytes().count == 2 * native.count)
    }
}
