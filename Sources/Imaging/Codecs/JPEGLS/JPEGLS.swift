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

/// JPEG-LS Lossy (Near-Lossless), decoded only: the stream's NEAR parameter bounds each sample's
/// error, and CharLS reads it from the stream itself.
public struct JPEGLSNearLossless: FrameDecoder {
    public static let transferSyntaxUID = "1.2.840.10008.1.2.4.81"
    static let syntaxName = "JPEG-LS near-lossless"

    public init() {}

    public func decode(_ encoded: [UInt8], layout: FrameLayout) throws(CodecError) -> DecodedFrame {
        try CharLS.decode(encoded, layout: layout, syntax: Self.syntaxName)
    }
}
