/// RLE Lossless (PS3.5 Annex G): each frame is a 64-byte header of segment offsets followed by
/// one PackBits-compressed segment per byte plane: for each sample in turn, its most significant
/// byte first. Decoding returns the frame interleaved (Planar Configuration 0); encoding takes
/// either planar or interleaved native frames.
public struct RLELossless: FrameDecoder, FrameEncoder {
    public static let transferSyntaxUID = "1.2.840.10008.1.2.5"
    static let syntaxName = "RLE Lossless"
    /// The header has room for 15 segment offsets after the segment count (PS3.5 G.5).
    static let maximumSegments = 15
    static let headerLength = 64

    public init() {}

    public func decode(_ encoded: [UInt8], layout: FrameLayout) throws(CodecError) -> DecodedFrame {
        let planes = try Self.planeCount(layout)
        let pixels = layout.rows * layout.columns
        // A repeat run of two bytes makes at most 128: a header claiming more pixels than the
        // input can hold is refused before the frame's memory is taken.
        guard pixels * planes <= encoded.count * 64 else {
            throw .malformed(syntax: Self.syntaxName, reason: "\(encoded.count) bytes cannot hold \(planes) byte planes of \(pixels) pixels")
        }
        let offsets = try Self.segmentOffsets(encoded, expecting: planes)
        let bytesPerSample = layout.bitsAllocated / 8
        var native = [UInt8](repeating: 0, count: layout.nativeLength)
        for plane in 0..<planes {
            let end = plane + 1 < planes ? offsets[plane + 1] : encoded.count
            let segment = try PackBits.decode(encoded[offsets[plane]..<end], count: pixels, segment: plane + 1)
            // Plane `plane` is byte (bytesPerSample - 1 - plane % bytesPerSample) of sample plane / bytesPerSample:
            // most significant first, written into little-endian interleaved pixels.
            let sample = plane / bytesPerSample, byte = bytesPerSample - 1 - plane % bytesPerSample
            let stride = layout.samplesPerPixel * bytesPerSample
            var target = sample * bytesPerSample + byte
            for value in segment {
                native[target] = value
                target += stride
            }
        }
        var decoded = layout
        decoded.isPlanar = false
        return DecodedFrame(bytes: native, layout: decoded)
    }

    public func encode(_ native: [UInt8], layout: FrameLayout) throws(CodecError) -> EncodedFrame {
        let planes = try Self.planeCount(layout)
        guard native.count == layout.nativeLength else {
            throw .layoutMismatch(syntax: Self.syntaxName,
                                  reason: "the frame is \(native.count) bytes, \(layout.nativeLength) expected from its rows, columns, samples and bits")
        }
        let bytesPerSample = layout.bitsAllocated / 8
        let pixels = layout.rows * layout.columns
        var segments: [[UInt8]] = []
        for plane in 0..<planes {
            let sample = plane / bytesPerSample, byte = bytesPerSample - 1 - plane % bytesPerSample
            // Where this byte of this sample lies for pixel 0, and the step to the next pixel.
            let first = layout.isPlanar ? sample * pixels * bytesPerSample + byte : sample * bytesPerSample + byte
            let step = layout.isPlanar ? bytesPerSample : layout.samplesPerPixel * bytesPerSample
            var bytes = [UInt8](repeating: 0, count: pixels)
            for pixel in 0..<pixels { bytes[pixel] = native[first + pixel * step] }
            var segment = PackBits.encode(bytes, rowLength: layout.columns)
            if segment.count % 2 == 1 { segment.append(0) }  // segments are even in length (PS3.5 G.3.1)
            segments.append(segment)
        }
        var header = [UInt8]()
        header.reserveCapacity(Self.headerLength)
        var offsets = [UInt32(planes)]
        var position = Self.headerLength
        for segment in segments {
            offsets.append(UInt32(position))
            position += segment.count
        }
        offsets += [UInt32](repeating: 0, count: Self.maximumSegments + 1 - offsets.count)
        for value in offsets { header += [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)] }
        return EncodedFrame(bytes: header + segments.joined(), photometricInterpretation: layout.photometricInterpretation)
    }

    /// One segment per byte of each sample; the layouts RLE can carry.
    private static func planeCount(_ layout: FrameLayout) throws(CodecError) -> Int {
        guard (1...65535).contains(layout.rows), (1...65535).contains(layout.columns), layout.samplesPerPixel > 0 else {
            throw .layoutMismatch(syntax: syntaxName, reason: "Rows \(layout.rows), Columns \(layout.columns), "
                                  + "Samples per Pixel \(layout.samplesPerPixel): a frame has 1 to 65535 rows and columns and at least one sample")
        }
        guard layout.bitsAllocated >= 8, layout.bitsAllocated % 8 == 0 else {
            throw .unsupported(syntax: syntaxName, reason: "Bits Allocated \(layout.bitsAllocated) is not a whole number of bytes")
        }
        guard !layout.photometricInterpretation.hasPrefix("YBR_FULL_422") else {
            throw .unsupported(syntax: syntaxName, reason: "YBR_FULL_422 frames are subsampled; convert them to RGB or YBR_FULL first")
        }
        let planes = layout.samplesPerPixel * layout.bitsAllocated / 8
        guard planes <= maximumSegments else {
            throw .unsupported(syntax: syntaxName, reason: "\(layout.samplesPerPixel) samples of \(layout.bitsAllocated) bits need \(planes) "
                               + "segments, more than the \(maximumSegments) an RLE header holds")
        }
        return planes
    }

    /// The start of each segment, checked against the frame: the count the layout implies, each
    /// offset past the header, in order, and inside the frame.
    private static func segmentOffsets(_ encoded: [UInt8], expecting planes: Int) throws(CodecError) -> [Int] {
        guard encoded.count >= headerLength else {
            throw .malformed(syntax: syntaxName, reason: "the frame is \(encoded.count) bytes, shorter than the \(headerLength)-byte RLE header")
        }
        let words = (0...maximumSegments).map { index in
            (0..<4).reduce(0) { $0 | Int(encoded[index * 4 + $1]) << (8 * $1) }
        }
        guard words[0] == planes else {
            throw .malformed(syntax: syntaxName, reason: "the header names \(words[0]) segments; the Image Pixel attributes need \(planes)")
        }
        let offsets = Array(words[1...planes])
        var previous = headerLength
        for (index, offset) in offsets.enumerated() {
            guard offset >= previous, offset < encoded.count else {
                throw .malformed(syntax: syntaxName, reason: "segment \(index + 1) starts at byte \(offset), outside bytes \(previous)..<\(encoded.count) "
                                 + "where it must lie")
            }
            previous = offset
        }
        return offsets
    }
}
