import Testing
@testable import Imaging

/// RLE Lossless frames round trip bit for bit, carry the byte planes PS3.5 Annex G describes, and
/// malformed streams are refused with CodecError.malformed.
@Suite struct RLELosslessTests {
    private let codec = RLELossless()

    private func layout(rows: Int = 3, columns: Int = 5, samples: Int = 1, bits: Int = 8, signed: Bool = false,
                        planar: Bool = false) -> FrameLayout {
        FrameLayout(rows: rows, columns: columns, samplesPerPixel: samples, bitsAllocated: bits, bitsStored: bits, isSigned: signed,
                    isPlanar: planar, photometricInterpretation: samples == 3 ? "RGB" : "MONOCHROME2")
    }

    /// Bytes with runs and without, so both kinds of PackBits run appear.
    private func pixels(_ count: Int, seed: Int = 7) -> [UInt8] {
        (0..<count).map { $0 % 11 < 5 ? UInt8(truncatingIfNeeded: seed) : UInt8(truncatingIfNeeded: $0 * 31 + seed) }
    }

    @Test func eightBitMonochromeRoundTrips() throws {
        let frame = layout(rows: 4, columns: 300)
        let native = pixels(frame.nativeLength)
        let encoded = try codec.encode(native, layout: frame)
        #expect(encoded.photometricInterpretation == "MONOCHROME2")
        #expect(encoded.bytes.count % 2 == 0 && encoded.bytes.count < native.count + 64 + native.count / 64 + 16)
        #expect(try codec.decode(encoded.bytes, layout: frame) == DecodedFrame(bytes: native, layout: frame))
    }

    @Test func sixteenBitSignedRoundTripsMostSignificantBytePlaneFirst() throws {
        let frame = layout(rows: 2, columns: 2, bits: 16, signed: true)
        let values: [Int16] = [-1, 300, -32768, 32767]
        let native = values.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
        let encoded = try codec.encode(native, layout: frame)
        #expect(Array(encoded.bytes[0..<12]) == [2, 0, 0, 0, 64, 0, 0, 0, 70, 0, 0, 0])
        // Segment 1 holds the high bytes, a literal run per row (runs never cross a row).
        #expect(Array(encoded.bytes[64..<70]) == [1, 0xFF, 0x01, 1, 0x80, 0x7F])
        #expect(try codec.decode(encoded.bytes, layout: frame).bytes == native)
    }

    @Test func thirtyTwoBitRoundTrips() throws {
        let frame = layout(rows: 3, columns: 7, bits: 32)
        let native = pixels(frame.nativeLength, seed: 200)
        #expect(try codec.decode(codec.encode(native, layout: frame).bytes, layout: frame).bytes == native)
    }

    @Test func interleavedRGBRoundTrips() throws {
        let frame = layout(rows: 5, columns: 9, samples: 3)
        let native = pixels(frame.nativeLength, seed: 90)
        let decoded = try codec.decode(codec.encode(native, layout: frame).bytes, layout: frame)
        #expect(decoded.bytes == native && !decoded.layout.isPlanar)
    }

    @Test func planarRGBDecodesInterleaved() throws {
        let frame = layout(rows: 2, columns: 3, samples: 3, bits: 16, planar: true)
        let pixelCount = 6
        // Sample s of pixel p holds the 16-bit value s * 1000 + p.
        func bytes(_ sample: Int, _ pixel: Int) -> [UInt8] {
            let value = UInt16(sample * 1000 + pixel)
            return [UInt8(value & 0xFF), UInt8(value >> 8)]
        }
        var planar: [UInt8] = [], interleaved: [UInt8] = []
        for sample in 0..<3 { for pixel in 0..<pixelCount { planar += bytes(sample, pixel) } }
        for pixel in 0..<pixelCount { for sample in 0..<3 { interleaved += bytes(sample, pixel) } }
        let encoded = try codec.encode(planar, layout: frame)
        #expect(encoded.bytes[0] == 6)
        let decoded = try codec.decode(encoded.bytes, layout: frame)
        #expect(decoded.bytes == interleaved && !decoded.layout.isPlanar)
        #expect(try codec.encode(interleaved, layout: decoded.layout) == encoded)
    }

    @Test func eachFrameOfAMultiFrameObjectRoundTrips() throws {
        let frame = layout(rows: 8, columns: 8, bits: 16)
        let frames = (0..<4).map { pixels(frame.nativeLength, seed: $0 * 50) }
        let encoded = try frames.map { try codec.encode($0, layout: frame).bytes }
        #expect(Set(encoded).count == 4)
        #expect(try encoded.map { try codec.decode($0, layout: frame).bytes } == frames)
    }

    @Test func longRunsAndRowsSplitAtTheirLimits() throws {
        // 300 equal bytes in one row: runs of at most 128; a second row starts a new run.
        let frame = layout(rows: 2, columns: 300)
        let native = [UInt8](repeating: 9, count: 300) + (0..<300).map { UInt8($0 & 0xFF) }
        let encoded = try codec.encode(native, layout: frame)
        #expect(Array(encoded.bytes[64..<70]) == [0x81, 9, 0x81, 9, 0xD5, 9])
        #expect(try codec.decode(encoded.bytes, layout: frame).bytes == native)
    }

    @Test func aLayoutRLECannotCarryIsUnsupported() {
        #expect(throws: CodecError.self) { try codec.encode([0, 0], layout: layout(rows: 1, columns: 1, samples: 3, bits: 64)) }
        #expect(throws: CodecError.self) { try codec.encode([0], layout: layout(rows: 1, columns: 1, bits: 1)) }
        #expect(throws: CodecError.self) { try codec.encode([0, 1, 2], layout: layout(rows: 1, columns: 2)) }
    }

    /// A header with `count` segments at `offsets`, followed by `body`.
    private func stream(count: UInt32, offsets: [UInt32], body: [UInt8]) -> [UInt8] {
        let words = [count] + offsets + [UInt32](repeating: 0, count: 15 - offsets.count)
        return words.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } } + body
    }

    private func expectMalformed(_ bytes: [UInt8], _ frame: FrameLayout, _ comment: Comment) {
        do {
            _ = try codec.decode(bytes, layout: frame)
            Issue.record("decoded a malformed stream: \(comment)")
        } catch {
            guard case .malformed = error else { Issue.record("\(comment): \(error)"); return }
        }
    }

    @Test func malformedStreamsAreRefused() {
        let frame = layout(rows: 2, columns: 2)
        let good: [UInt8] = [0xFD, 4, 0]  // repeat 4 four times, then a padding byte
        #expect(throws: Never.self) { try codec.decode(stream(count: 1, offsets: [64], body: good), layout: frame) }
        expectMalformed(Array(stream(count: 1, offsets: [64], body: good).prefix(40)), frame, "shorter than the header")
        expectMalformed(stream(count: 2, offsets: [64, 66], body: good), frame, "more segments than one 8-bit sample")
        expectMalformed(stream(count: 0, offsets: [], body: good), frame, "no segments")
        expectMalformed(stream(count: 1, offsets: [10], body: good), frame, "segment inside the header")
        expectMalformed(stream(count: 1, offsets: [4000], body: good), frame, "segment past the end")
        expectMalformed(stream(count: 1, offsets: [64], body: [0xFE, 4]), frame, "decodes to 3 of 4 bytes")
        expectMalformed(stream(count: 1, offsets: [64], body: [0xFC, 4]), frame, "repeat run of 5 overruns 4")
        expectMalformed(stream(count: 1, offsets: [64], body: [4, 1, 2, 3, 4, 5]), frame, "literal run of 5 overruns 4")
        expectMalformed(stream(count: 1, offsets: [64], body: [3, 1, 2]), frame, "literal run past the segment's end")
        expectMalformed(stream(count: 1, offsets: [64], body: [0x80, 0x80]), frame, "only no-op bytes")
        expectMalformed(stream(count: 1, offsets: [64], body: [0xFF]), frame, "repeat run without its byte")
        let rgb = layout(rows: 1, columns: 2, samples: 3)
        expectMalformed(stream(count: 3, offsets: [64, 70, 66], body: [1, 1, 2, 1, 3, 4, 1, 5, 6]), rgb, "offsets out of order")
        expectMalformed(stream(count: 0xFFFF_FFFF, offsets: [64], body: good), frame, "absurd segment count")
        let huge = layout(rows: 65535, columns: 65535, samples: 3, bits: 32)
        expectMalformed(stream(count: 12, offsets: [64], body: good), huge, "too few bytes for the frame the layout claims")
    }
}
