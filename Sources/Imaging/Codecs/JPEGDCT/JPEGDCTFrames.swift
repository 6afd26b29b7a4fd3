/// Which implementation decodes or encodes a lossy JPEG frame: libjpeg-turbo for 8-bit samples
/// whose colour it reads as the Photometric Interpretation says, the Swift decoder for 12-bit
/// samples (TurboJPEG 2.1 has no 12-bit API) and for 8-bit colour whose stream libjpeg would
/// read otherwise (an RGB frame without an Adobe marker, which libjpeg takes for YCbCr).
enum JPEGDCTFrames {
    static let lossyMethod = "ISO_10918_1"

    static func decode(_ encoded: [UInt8], layout: FrameLayout, syntax: String) throws(CodecError) -> DecodedFrame {
        var frame = try decodeUnsigned(encoded, layout: layout, syntax: syntax)
        if layout.isSigned && layout.bitsAllocated == 16 && layout.bitsStored < 16 { signExtend(&frame.bytes, bitsStored: layout.bitsStored) }
        return frame
    }

    /// JPEG codes a signed sample's Bits Stored as an unsigned value: the sign bit is copied into
    /// the unused high bits, as native signed data holds it (and as the lossless decoders return it).
    private static func signExtend(_ bytes: inout [UInt8], bitsStored: Int) {
        let sign = 1 << (bitsStored - 1), high = UInt8(truncatingIfNeeded: ~((1 << bitsStored) - 1) >> 8)
        for index in stride(from: 0, to: bytes.count - 1, by: 2) where (Int(bytes[index]) | Int(bytes[index + 1]) << 8) & sign != 0 {
            bytes[index + 1] |= high
        }
    }

    private static func decodeUnsigned(_ encoded: [UInt8], layout: FrameLayout, syntax: String) throws(CodecError) -> DecodedFrame {
        guard layout.bitsAllocated == 8 || layout.bitsAllocated == 16 else {
            throw .unsupported(syntax: syntax, reason: "Bits Allocated \(layout.bitsAllocated); lossy JPEG frames are 8 or 16 bits allocated")
        }
        guard let precision = JPEGDCTDecoder.precision(of: encoded) else {
            throw .malformed(syntax: syntax, reason: "no JPEG SOI marker followed by a frame header")
        }
        if precision == 8 {
            let header = try TurboJPEG.header(encoded, syntax: syntax)
            guard header.width == layout.columns, header.height == layout.rows, header.components == layout.samplesPerPixel else {
                throw .layoutMismatch(syntax: syntax, reason: "the JPEG frame is \(header.width)x\(header.height) with \(header.components) components; "
                                      + "the data set says \(layout.columns)x\(layout.rows) with \(layout.samplesPerPixel) samples per pixel")
            }
            // Each 8x8 block costs at least two bits (its DC code and an end of block): a header
            // claiming more blocks than the stream has bits for is refused before the frame's memory is taken.
            let blocks = (header.width + 7) / 8 * ((header.height + 7) / 8)
            guard blocks <= encoded.count * 4 else {
                throw .malformed(syntax: syntax, reason: "\(encoded.count) bytes cannot hold the \(blocks) blocks the frame header announces")
            }
            let photometricIsYBR = layout.photometricInterpretation.hasPrefix("YBR")
            if header.components == 1 || header.isYCbCr == photometricIsYBR {
                var decoded = layout
                decoded.isPlanar = false
                if header.components == 3 { decoded.photometricInterpretation = "RGB" }
                let samples = try TurboJPEG.decode(encoded, header: header, syntax: syntax)
                return DecodedFrame(bytes: layout.bitsAllocated == 8 ? samples : widened(samples), layout: decoded)
            }
        }
        var decoder = JPEGDCTDecoder(encoded, layout: layout, syntax: syntax)
        return try decoder.decode()
    }

    /// A frame of up to 8 bits through TurboJPEG: greyscale as is, RGB (interleaved or planar) as YBR_FULL_422.
    static func encode8Bit(_ native: [UInt8], layout: FrameLayout, quality: Int, syntax: String) throws(CodecError) -> EncodedFrame {
        let grey = layout.photometricInterpretation.hasPrefix("MONOCHROME")
        guard (grey && layout.samplesPerPixel == 1) || (layout.photometricInterpretation == "RGB" && layout.samplesPerPixel == 3) else {
            throw .unsupported(syntax: syntax, reason: "Photometric Interpretation \(layout.photometricInterpretation) with \(layout.samplesPerPixel) samples; "
                               + "lossy JPEG encodes MONOCHROME1/2 and RGB (transcode other colour to RGB first)")
        }
        guard layout.bitsAllocated == 8, layout.bitsStored <= 8, !layout.isSigned else {
            throw .unsupported(syntax: syntax, reason: "Bits Allocated \(layout.bitsAllocated), Bits Stored \(layout.bitsStored)"
                               + (layout.isSigned ? ", signed" : "") + "; 8-bit lossy JPEG encodes unsigned samples in 8 bits allocated"
                               + (layout.bitsStored > 8 && layout.bitsStored <= 12 ? " (JPEG Extended encodes greyscale up to 12 bits)" : ""))
        }
        guard native.count == layout.nativeLength else {
            throw .layoutMismatch(syntax: syntax, reason: "the frame is \(native.count) bytes, \(layout.nativeLength) expected from its rows, columns, samples and bits")
        }
        let samples = layout.isPlanar ? interleaved(planes: native, samples: layout.samplesPerPixel) : native
        let bytes = try TurboJPEG.encode(samples, width: layout.columns, height: layout.rows, grey: grey, quality: quality)
        return EncodedFrame(bytes: bytes, photometricInterpretation: grey ? layout.photometricInterpretation : "YBR_FULL_422", lossyMethod: lossyMethod)
    }

    private static func interleaved(planes: [UInt8], samples: Int) -> [UInt8] {
        let pixels = planes.count / samples
        var result = [UInt8](repeating: 0, count: planes.count)
        for sample in 0..<samples {
            for pixel in 0..<pixels { result[pixel * samples + sample] = planes[sample * pixels + pixel] }
        }
        return result
    }

    /// 8-bit samples in 16 bits allocated, little endian.
    private static func widened(_ bytes: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: bytes.count * 2)
        for (index, value) in bytes.enumerated() { result[2 * index] = value }
        return result
    }
}
