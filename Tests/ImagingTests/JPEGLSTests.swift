import Testing
@testable import Imaging

/// JPEG-LS frames round trip bit for bit through CharLS in every layout Rampart writes (8 and
/// 16 bits, signed, grey and colour, planar and interleaved), and damaged streams are refused
/// with a CodecError that carries CharLS's message.
@Suite struct JPEGLSTests {
    private let codec = JPEGLSLossless()

    private func layout(rows: Int = 3, columns: Int = 5, samples: Int = 1, bits: Int = 8, stored: Int? = nil, signed: Bool = false,
                        planar: Bool = false) -> FrameLayout {
        FrameLayout(rows: rows, columns: columns, samplesPerPixel: samples, bitsAllocated: bits, bitsStored: stored ?? bits, isSigned: signed,
                    isPlanar: planar, photometricInterpretation: samples == 3 ? "RGB" : "MONOCHROME2")
    }

    /// Noise with flat runs and extremes, so that run mode and regular mode are both coded.
    private func values(_ count: Int, bits: Int, seed: UInt64 = 7) -> [Int] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { index in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            switch index % 11 {
            case 0..<3: return (1 << bits) - 1
            case 3..<5: return 0
            default: return Int(truncatingIfNeeded: state >> 33) & ((1 << bits) - 1)
            }
        }
    }

    private func bytes(_ values: [Int], bits: Int) -> [UInt8] {
        bits == 8 ? values.map { UInt8(truncatingIfNeeded: $0) } : values.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8 & 0xFF)] }
    }

    private func roundTrip(_ frame: FrameLayout, _ native: [UInt8]) throws {
        let encoded = try codec.encode(native, layout: frame)
        // SOI, then SOF55 (the JPEG-LS frame marker).
        #expect(Array(encoded.bytes.prefix(4)) == [0xFF, 0xD8, 0xFF, 0xF7])
        #expect(encoded.photometricInterpretation == frame.photometricInterpretation && encoded.lossyMethod == nil)
        let decoded = try codec.decode(encoded.bytes, layout: frame)
        var interleaved = frame
        interleaved.isPlanar = false
        #expect(decoded.layout == interleaved)
        #expect(decoded.bytes == native)
        #expect(try JPEGLSNearLossless().decode(encoded.bytes, layout: frame) == decoded)
    }

    @Test func eightAndSixteenBitMonochromeRoundTrip() throws {
        try roundTrip(layout(rows: 17, columns: 33), bytes(values(17 * 33, bits: 8), bits: 8))
        try roundTrip(layout(rows: 20, columns: 31, bits: 16, stored: 12), bytes(values(620, bits: 12), bits: 16))
        try roundTrip(layout(rows: 20, columns: 31, bits: 16), bytes(values(620, bits: 16, seed: 3), bits: 16))
    }

    @Test func signedSamplesComeBackSignExtended() throws {
        try roundTrip(layout(rows: 6, columns: 10, bits: 16, stored: 12, signed: true), bytes(values(60, bits: 12).map { $0 - 2048 }, bits: 16))
        try roundTrip(layout(rows: 6, columns: 10, bits: 16, signed: true), bytes(values(60, bits: 16).map { $0 - 32768 }, bits: 16))
        try roundTrip(layout(rows: 4, columns: 4, bits: 8, stored: 7, signed: true), bytes(values(16, bits: 7).map { $0 - 64 }, bits: 8))
    }

    @Test func eightBitsStoredInSixteenAllocatedRoundTrip() throws {
        try roundTrip(layout(rows: 5, columns: 9, bits: 16, stored: 8), bytes(values(45, bits: 8, seed: 5), bits: 16))
    }

    @Test func colourRoundTripsInterleavedAndPlanar() throws {
        try roundTrip(layout(rows: 15, columns: 21, samples: 3), bytes(values(15 * 21 * 3, bits: 8, seed: 90), bits: 8))
        try roundTrip(layout(rows: 4, columns: 6, samples: 3, bits: 16), bytes(values(72, bits: 16, seed: 91), bits: 16))
        let frame = layout(rows: 2, columns: 3, samples: 3, planar: true)
        let planar = (0..<18).map { UInt8($0 * 10) }
        let interleaved = (0..<6).flatMap { pixel in (0..<3).map { planar[$0 * 6 + pixel] } }
        let decoded = try codec.decode(codec.encode(planar, layout: frame).bytes, layout: frame)
        #expect(decoded.bytes == interleaved && !decoded.layout.isPlanar)
    }

    @Test func streamThatDisagreesWithTheDataSetIsAMismatch() throws {
        let encoded = try codec.encode(bytes(values(15, bits: 8), bits: 8), layout: layout()).bytes
        #expect(throws: CodecError.layoutMismatch(syntax: "JPEG-LS lossless", reason: "the stream is 5×3, the data set says 5×4")) {
            try codec.decode(encoded, layout: layout(rows: 4))
        }
    }

    @Test func truncatedAndGarbageStreamsAreMalformed() throws {
        let frame = layout(rows: 16, columns: 16, bits: 16, stored: 12)
        let encoded = try codec.encode(bytes(values(256, bits: 12), bits: 16), layout: frame).bytes
        for damaged in [Array(encoded.prefix(encoded.count / 2)), Array(encoded.prefix(10)), [], [0x12, 0x34, 0x56, 0x78],
                        [0xFF, 0xD8] + [UInt8](repeating: 0xAB, count: 64)] {
            #expect {
                try codec.decode(damaged, layout: frame)
            } throws: { error in
                guard case let .malformed(syntax, reason)? = error as? CodecError else { return false }
                return syntax == "JPEG-LS lossless" && !reason.isEmpty
            }
        }
    }

    @Test func layoutsJPEGLSCannotCarryAreRefusedBeforeEncoding() {
        #expect(throws: CodecError.self) { try codec.encode([UInt8](repeating: 0, count: 60), layout: layout(bits: 32)) }
        #expect(throws: CodecError.layoutMismatch(syntax: "JPEG-LS lossless",
                                                  reason: "the frame is 3 bytes, 15 expected from its rows, columns, samples and bits")) {
            try codec.encode([1, 2, 3], layout: layout())
        }
    }
}
