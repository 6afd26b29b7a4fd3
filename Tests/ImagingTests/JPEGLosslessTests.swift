import Testing
@testable import Imaging

/// JPEG Lossless (process 14) frames round trip bit for bit through Rampart's encoder and decoder,
/// streams DCMTK wrote with each predictor decode to the image DCMTK was given, restart intervals
/// are honoured, and malformed streams are refused with CodecError.malformed.
@Suite struct JPEGLosslessTests {
    private let codec = JPEGLosslessFirstOrder()

    private func layout(rows: Int = 3, columns: Int = 5, samples: Int = 1, bits: Int = 8, stored: Int? = nil, signed: Bool = false,
                        planar: Bool = false) -> FrameLayout {
        FrameLayout(rows: rows, columns: columns, samplesPerPixel: samples, bitsAllocated: bits, bitsStored: stored ?? bits, isSigned: signed,
                    isPlanar: planar, photometricInterpretation: samples == 3 ? "RGB" : "MONOCHROME2")
    }

    /// Noise, flat runs and steep edges: small and large differences, and 0xFF bytes to stuff.
    private func values(_ count: Int, bits: Int, seed: UInt64 = 7) -> [Int] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { index in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let random = Int(truncatingIfNeeded: state >> 33)
            switch index % 13 {
            case 0..<4: return (1 << bits) - 1
            case 4..<6: return 0
            default: return random & ((1 << bits) - 1)
            }
        }
    }

    private func bytes(_ values: [Int], bits: Int) -> [UInt8] {
        bits == 8 ? values.map { UInt8(truncatingIfNeeded: $0) } : values.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8 & 0xFF)] }
    }

    private func roundTrip(_ frame: FrameLayout, _ native: [UInt8]) throws {
        let encoded = try codec.encode(native, layout: frame)
        #expect(Array(encoded.bytes.prefix(4)) == [0xFF, 0xD8, 0xFF, 0xC3] && Array(encoded.bytes.suffix(2)) == [0xFF, 0xD9])
        #expect(encoded.photometricInterpretation == frame.photometricInterpretation && encoded.lossyMethod == nil)
        var decodedLayout = frame
        decodedLayout.isPlanar = false
        let decoded = try codec.decode(encoded.bytes, layout: frame)
        #expect(decoded.layout == decodedLayout)
        #expect(decoded.bytes == native)
        #expect(try JPEGLossless().decode(encoded.bytes, layout: frame) == decoded)
    }

    @Test func eightBitMonochromeRoundTrips() throws {
        let frame = layout(rows: 17, columns: 33)
        try roundTrip(frame, bytes(values(17 * 33, bits: 8), bits: 8))
    }

    @Test func twelveAndSixteenBitMonochromeRoundTrip() throws {
        try roundTrip(layout(rows: 20, columns: 31, bits: 16, stored: 12), bytes(values(620, bits: 12), bits: 16))
        try roundTrip(layout(rows: 20, columns: 31, bits: 16), bytes(values(620, bits: 16, seed: 3), bits: 16))
    }

    /// Every difference modulo 2^16, including -32768, the category 16 written with no extra bits.
    @Test func fullRangeSixteenBitJumpsRoundTrip() throws {
        let samples = [0, 32768, 0, 65535, 0, 1, 65535, 32767, 65535, 0, 32768, 32768]
        try roundTrip(layout(rows: 3, columns: 4, bits: 16), bytes(samples, bits: 16))
    }

    @Test func signedSamplesComeBackSignExtended() throws {
        // 12-bit signed samples in 16 bits: -2048...2047 written sign-extended, as native data holds them.
        let signed = values(60, bits: 12).map { $0 - 2048 }
        try roundTrip(layout(rows: 6, columns: 10, bits: 16, stored: 12, signed: true), bytes(signed, bits: 16))
        try roundTrip(layout(rows: 6, columns: 10, bits: 16, signed: true), bytes(values(60, bits: 16).map { $0 - 32768 }, bits: 16))
    }

    @Test func interleavedRGBRoundTrips() throws {
        try roundTrip(layout(rows: 15, columns: 21, samples: 3), bytes(values(15 * 21 * 3, bits: 8, seed: 90), bits: 8))
        try roundTrip(layout(rows: 4, columns: 6, samples: 3, bits: 16), bytes(values(72, bits: 16, seed: 91), bits: 16))
    }

    @Test func planarRGBDecodesInterleaved() throws {
        let frame = layout(rows: 2, columns: 3, samples: 3, planar: true)
        let planar = (0..<18).map { UInt8($0 * 10) }
        let interleaved = (0..<6).flatMap { pixel in (0..<3).map { planar[$0 * 6 + pixel] } }
        let decoded = try codec.decode(codec.encode(planar, layout: frame).bytes, layout: frame)
        #expect(decoded.bytes == interleaved && !decoded.layout.isPlanar)
    }

    @Test func eachFrameOfAMultiFrameObjectRoundTrips() throws {
        let frame = layout(rows: 8, columns: 8, bits: 16)
        let frames = (0..<4).map { bytes(values(64, bits: 16, seed: UInt64($0)), bits: 16) }
        let encoded = try frames.map { try codec.encode($0, layout: frame).bytes }
        #expect(Set(encoded).count == 4)
        #expect(try encoded.map { try codec.decode($0, layout: frame).bytes } == frames)
    }

    /// A flat image has one difference category: its one code is a single 0 bit per sample.
    @Test func aFlatImageCodesOneBitPerSample() throws {
        let frame = layout(rows: 8, columns: 8)
        let encoded = try codec.encode([UInt8](repeating: 128, count: 64), layout: frame)
        let scan = Array(encoded.bytes.suffix(10))
        #expect(scan == [0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xD9])
        #expect(try codec.decode(encoded.bytes, layout: frame).bytes == [UInt8](repeating: 128, count: 64))
    }

    /// Fibonacci frequencies make a Huffman tree 17 deep: the table is cut to 16 bits (T.81 K.3),
    /// keeps every symbol and leaves the all-ones code unused.
    @Test func skewedFrequenciesGiveCodesOfAtMostSixteenBits() throws {
        var frequencies = [1, 1]
        while frequencies.count < 17 { frequencies.append(frequencies[frequencies.count - 1] + frequencies[frequencies.count - 2]) }
        let table = JPEGHuffmanTable.optimal(for: frequencies)
        #expect(try JPEGHuffmanTable(counts: table.counts, symbols: table.symbols) == table)
        let codes = table.codes().compactMap { $0 }
        #expect(codes.count == 17 && codes.allSatisfy { $0.length <= 16 })
        #expect(!codes.contains { $0.code == (1 << $0.length) - 1 })
        // Room is left for the reserved code (Kraft sum below 1), and the codes are a prefix code.
        #expect(codes.reduce(0) { $0 + 1 << (16 - $1.length) } < 1 << 16)
        for first in codes {
            for second in codes where second.length > first.length || (second.length == first.length && second.code != first.code) {
                #expect(second.code >> (second.length - first.length) != first.code)
            }
        }
    }

    @Test func restartIntervalsWriteMarkersThatDecode() throws {
        let frame = layout(rows: 9, columns: 10, samples: 3, bits: 16, stored: 14)
        let native = bytes(values(270, bits: 14, seed: 5), bits: 16)
        for interval in [10, 20, 70, 90] {
            let encoded = try JPEGLosslessEncoder(syntax: "test", restartInterval: interval).encode(native, layout: frame).bytes
            let markers = (0..<(encoded.count - 1)).filter { encoded[$0] == 0xFF && (0xD0...0xD7).contains(encoded[$0 + 1]) }
            #expect(markers.count == (90 - 1) / interval, "interval \(interval)")
            #expect(try codec.decode(encoded, layout: frame).bytes == native, "interval \(interval)")
        }
        // Prediction restarts with a row: an interval ending inside one is refused.
        #expect(throws: CodecError.self) { try JPEGLosslessEncoder(syntax: "test", restartInterval: 7).encode(native, layout: frame) }
    }

    /// The 12-bit image DCMTK's dcmcjpeg (+el +sv N) was given, and the frames it wrote for
    /// selection values 1 to 7: each predictor of T.81 Table H.1 against an independent encoder.
    @Test(arguments: 1...7) func dcmtkStreamsOfEveryPredictorDecode(selection: Int) throws {
        // Each stream after DCMTK's SOI, JFIF APP0 and SOF3 (16-bit precision, 5x4, one component), which they share.
        let header = "ffd8ffe000104a46494600010100000100010000ffc3000b100004000501011100"
        let tails = [
            "ffc400160001010100000000000000000000000000080a0fffda0008010100010000c00098ac562b16f658ac562b16f658ac562b16f658ac562b17ffd9",
            "ffc4001600010101000000000000000000000000000a080fffda0008010100020000c000ac5b16c5b15ecbd97b2f65ecbd97b2f65ecbd97b2f65ecbd97b3ffffd9",
            "ffc4001700010101010000000000000000000000000b080a0fffda0008010100030000e000562d8b62d8bbd949e49e49e49edeca4f24f24f24f6f6527927927927bfffffd9",
            "ffc40017000101010100000000000000000000000000080a0fffda0008010100040000e000562d8b62d8bbd90dec86f643ffd9",
            "ffc40017000101010100000000000000000000000007080a0fffda0008010100050000e000562d8b62d8bbd963636363decb1b1b1b1ef658d8d8d8ff00ffd9",
            "ffc40017000101010100000000000000000000000009080a0fffda0008010100060000e000562d8b62d8bbd97b5ed7b5eddecbdaf6bdaf6ef65ed7b5ed7b7fffd9",
            "ffc4001600010101000000000000000000000000000a080fffda0008010100070000c000ac5b16c5b15eca4f49e93d27bd949e93d27a4f7b293d27a4f49fffffd9",
        ]
        let hex = Array((header + tails[selection - 1]).utf8)
        let stream = stride(from: 0, to: hex.count, by: 2).map { offset in
            UInt8(String(decoding: hex[offset..<(offset + 2)], as: UTF8.self), radix: 16) ?? 0
        }
        let expected = (0..<20).map { ($0 * 197 + 3) % 4096 }
        let frame = layout(rows: 4, columns: 5, bits: 16, stored: 12)
        #expect(try JPEGLossless().decode(stream, layout: frame).bytes == bytes(expected, bits: 16))
    }

    private func expectMalformed(_ bytes: [UInt8], _ frame: FrameLayout, _ comment: Comment) {
        do {
            _ = try codec.decode(bytes, layout: frame)
            Issue.record("decoded a malformed stream: \(comment)")
        } catch {
            guard case .malformed = error else { Issue.record("\(comment): \(error)"); return }
        }
    }

    @Test func malformedStreamsAreRefused() throws {
        let frame = layout(rows: 6, columns: 7, bits: 16, stored: 12)
        let good = try codec.encode(bytes(values(42, bits: 12), bits: 16), layout: frame).bytes
        let sof = try #require(good.firstIndex(of: 0xC3)) - 1
        let dht = try #require(good.firstIndex(of: 0xC4)) - 1
        let sos = try #require((0..<good.count).first { good[$0] == 0xFF && good[$0 + 1] == 0xDA })
        #expect(throws: Never.self) { try codec.decode(good, layout: frame) }
        expectMalformed([], frame, "empty")
        expectMalformed(Array(good.prefix(2)), frame, "SOI only")
        expectMalformed([0x00] + good.dropFirst(), frame, "no SOI")
        expectMalformed(Array(good.prefix(sof + 6)), frame, "cut inside the frame header")
        expectMalformed(Array(good.prefix(good.count - 2)), frame, "no EOI")
        expectMalformed(Array(good.prefix(sos + 14)) + [0xFF, 0xD9], frame, "entropy-coded data cut short")
        expectMalformed(Array(good[..<dht]) + Array(good[sos...]), frame, "no Huffman table")
        expectMalformed(Array(good[..<sof]) + Array(good[dht...]), frame, "no frame header")
        var badLength = good
        badLength[sof + 2] = 0x7F
        expectMalformed(badLength, frame, "frame header length past the end")
        var badPredictor = good
        badPredictor[sos + 4 + 2 * 1 + 1] = 9
        expectMalformed(badPredictor, frame, "predictor 9")
        var badComponent = good
        badComponent[sos + 5] = 7
        expectMalformed(badComponent, frame, "scan of a component the frame lacks")
        var badTable = good
        badTable[dht + 5] = 0xFF  // 255 codes of 1 bit
        expectMalformed(badTable, frame, "Huffman counts that overflow their lengths")
        var badPrecision = good
        badPrecision[sof + 4] = 1
        expectMalformed(badPrecision, frame, "1-bit precision")
        let restarting = try JPEGLosslessEncoder(syntax: "test", restartInterval: 14).encode(bytes(values(42, bits: 12), bits: 16), layout: frame).bytes
        var missingRestart = restarting
        let restart = try #require((0..<missingRestart.count).first { missingRestart[$0] == 0xFF && missingRestart[$0 + 1] == 0xD0 })
        missingRestart[restart + 1] = 0xD3
        expectMalformed(missingRestart, frame, "RST3 where RST0 belongs")
        // Restarts inside a row: an interval of 1 pixel where rows are 7.
        let intervalPosition = try #require((0..<restarting.count).first { restarting[$0] == 0xFF && restarting[$0 + 1] == 0xDD })
        var partRow = restarting
        partRow[intervalPosition + 5] = 1
        expectMalformed(partRow, frame, "a restart interval of part of a row")
        // A frame header claiming 65535x65535 samples of a 60-byte stream: refused before allocating.
        let huge = layout(rows: 65535, columns: 65535, bits: 16)
        var claim = good
        claim.replaceSubrange((sof + 5)...(sof + 8), with: [0xFF, 0xFF, 0xFF, 0xFF])
        expectMalformed(claim, huge, "more samples than the stream has bits")
    }

    @Test func framesOtherThanTheDataSetSaysAreLayoutMismatches() throws {
        let frame = layout(rows: 6, columns: 7, bits: 16, stored: 12)
        let good = try codec.encode(bytes(values(42, bits: 12), bits: 16), layout: frame).bytes
        #expect(throws: CodecError.self) { try codec.decode(good, layout: layout(rows: 7, columns: 6, bits: 16)) }
        #expect(throws: CodecError.self) { try codec.decode(good, layout: layout(rows: 6, columns: 7, samples: 3, bits: 16)) }
        #expect(throws: CodecError.self) { try codec.decode(good, layout: layout(rows: 6, columns: 7, bits: 8)) }
        #expect(throws: CodecError.self) { try codec.encode([0, 1, 2], layout: layout(rows: 1, columns: 2)) }
        #expect(throws: CodecError.self) { try codec.encode([0, 0, 0, 0], layout: layout(rows: 1, columns: 1, bits: 32)) }
    }
}
