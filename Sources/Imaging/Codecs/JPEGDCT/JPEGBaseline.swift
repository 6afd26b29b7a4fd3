/// JPEG Baseline (T.81 process 1, PS3.5 A.4.1): 8-bit lossy DCT, one JPEG stream per frame.
/// Decoding returns colour as RGB, interleaved (YBR_FULL and YBR_FULL_422 are converted, as
/// pydicom and DCMTK do); encoding writes greyscale as is and RGB as YBR_FULL_422 (PS3.5 8.2.1).
public struct JPEGBaseline: FrameDecoder, FrameEncoder {
    public static let transferSyntaxUID = "1.2.840.10008.1.2.4.50"
    static let syntaxName = "JPEG Baseline"
    /// The quality of `rampart transcode` when none is given: libjpeg's scale, 1 to 100.
    public static let defaultQuality = 90

    let quality: Int

    public init(quality: Int = defaultQuality) {
        self.quality = min(100, max(1, quality))
    }

    public func decode(_ encoded: [UInt8], layout: FrameLayout) throws(CodecError) -> DecodedFrame {
        try JPEGDCTFrames.decode(encoded, layout: layout, syntax: Self.syntaxName)
    }

    public func encode(_ native: [UInt8], layout: FrameLayout) throws(CodecError) -> EncodedFrame {
        try JPEGDCTFrames.encode8Bit(native, layout: layout, quality: quality, syntax: Self.syntaxName)
    }
}

/// JPEG Extended (T.81 processes 2 and 4, PS3.5 A.4.1): lossy DCT of 8- or 12-bit samples.
/// Frames of up to 8 bits are written as JPEG Baseline does (a process 1 stream is also a valid
/// process 2 stream); greyscale of 9 to 12 bits as a 12-bit process 4 stream.
public struct JPEGExtended: FrameDecoder, FrameEncoder {
    public static let transferSyntaxUID = "1.2.840.10008.1.2.4.51"
    static let syntaxName = "JPEG Extended"

    let quality: Int

    public init(quality: Int = JPEGBaseline.defaultQuality) {
        self.quality = min(100, max(1, quality))
    }

    public func decode(_ encoded: [UInt8], layout: FrameLayout) throws(CodecError) -> DecodedFrame {
        try JPEGDCTFrames.decode(encoded, layout: layout, syntax: Self.syntaxName)
    }

    public func encode(_ native: [UInt8], layout: FrameLayout) throws(CodecError) -> EncodedFrame {
        guard layout.bitsStored > 8 else { return try JPEGDCTFrames.encode8Bit(native, layout: layout, quality: quality, syntax: Self.syntaxName) }
        let bytes = try JPEGDCTEncoder(syntax: Self.syntaxName, quality: quality).encode(native, layout: layout)
        return EncodedFrame(bytes: bytes, photometricInterpretation: layout.photometricInterpretation, lossyMethod: JPEGDCTFrames.lossyMethod)
    }
}
