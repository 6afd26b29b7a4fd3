/// JPEG-LS Lossless (ISO/IEC 14495-1, PS3.5 A.4.3) through CharLS: 2 to 16 bits, any number of
/// components in any interleave mode. Decoding returns the frame interleaved; encoding codes
/// every sample exactly (NEAR 0).
public struct JPEGLSLossless: FrameDecoder, FrameEncoder {
    public static let transferSyntaxUID = "1.2.840.10008.1.2.4.80"
    static let syntaxName = "JPEG-LS lossless"

    public init() {}

    public func decode(_ encoded: [UInt8], layout: FrameLayout) throws(CodecError) -> DecodedFrame {
        try CharLS.decode(encoded, layout: layout, syntax: Self.syntaxName)
    }

    public func encode(_ native: [UInt8], layout: FrameLayout) throws(CodecError) -> EncodedFrame {
        let bytes = try CharLS.encode(native, layout: layout, syntax: Self.syntaxName)
        return EncodedFrame(bytes: bytes, photometricInterpretation: layout.photometricInterpretation)
    }
}

/// JPEG-LS Lossy (Near-Lossless): every sample within NEAR of the original. Decoding reads NEAR
/// from the stream; encoding writes `near` (2 by default: visually lossless for CT and MR while
/// about a third smaller than lossless), at most 255 and below half the sample range.
public struct JPEGLSNearLossless: FrameDecoder, FrameEncoder {
    public static let transferSyntaxUID = "1.2.840.10008.1.2.4.81"
    static let syntaxName = "JPEG-LS near-lossless"
    public static let defaultNear = 2
    /// What PS3.3 C.7.6.1.1.5.1 names the method in Lossy Image Compression Method (0028,2114).
    static let lossyMethod = "ISO_14495_1"

    public let near: Int

    public init(near: Int = defaultNear) {
        self.near = near
    }

    public func decode(_ encoded: [UInt8], layout: FrameLayout) throws(CodecError) -> DecodedFrame {
        try CharLS.decode(encoded, layout: layout, syntax: Self.syntaxName)
    }

    public func encode(_ native: [UInt8], layout: FrameLayout) throws(CodecError) -> EncodedFrame {
        guard (1...255).contains(near), near < 1 << (layout.bitsStored - 1) else {
            throw .unsupported(syntax: Self.syntaxName, reason: "NEAR \(near); give 1 to 255, and below half the range of \(layout.bitsStored)-bit samples")
        }
        let bytes = try CharLS.encode(native, layout: layout, near: near, syntax: Self.syntaxName)
        return EncodedFrame(bytes: bytes, photometricInterpretation: layout.photometricInterpretation, lossyMethod: Self.lossyMethod)
    }
}
