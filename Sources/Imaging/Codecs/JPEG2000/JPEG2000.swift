/// JPEG 2000 (ISO/IEC 15444-1, PS3.5 A.4.4) and High-Throughput JPEG 2000 (ISO/IEC 15444-15,
/// PS3.5 A.4.11), decoded through OpenJPEG: each syntax's frames are a J2K codestream (or, from
/// some writers, a JP2 file). `JPEG2000Encoder` writes the two JPEG 2000 syntaxes.
public struct JPEG2000: FrameDecoder {
    /// The syntaxes this decoder reads, with their names for messages.
    static let syntaxNames: [String: String] = [
        "1.2.840.10008.1.2.4.90": "JPEG 2000 lossless",
        "1.2.840.10008.1.2.4.91": "JPEG 2000",
        "1.2.840.10008.1.2.4.201": "HTJ2K lossless",
        "1.2.840.10008.1.2.4.202": "HTJ2K lossless RPCL",
        "1.2.840.10008.1.2.4.203": "HTJ2K",
    ]

    let syntaxName: String

    /// The decoder of one of `syntaxNames`' transfer syntaxes, or nil for any other.
    public init?(transferSyntaxUID: String) {
        guard let name = Self.syntaxNames[transferSyntaxUID] else { return nil }
        syntaxName = name
    }

    public func decode(_ encoded: [UInt8], layout: FrameLayout) throws(CodecError) -> DecodedFrame {
        try OpenJPEG.decode(encoded, layout: layout, syntax: syntaxName)
    }
}

/// JPEG 2000 encoding through OpenJPEG: .90 losslessly (5/3 wavelet, RCT for colour: YBR_RCT),
/// .91 lossy at `ratio`:1 (9/7 wavelet, ICT for colour: YBR_ICT), one J2K codestream a frame.
public struct JPEG2000Encoder: FrameEncoder {
    public static let losslessUID = "1.2.840.10008.1.2.4.90"
    public static let lossyUID = "1.2.840.10008.1.2.4.91"
    /// 10:1, a ratio radiology commonly reads at for CT and MR.
    public static let defaultRatio: Float = 10
    /// What PS3.3 C.7.6.1.1.5.1 names the method in Lossy Image Compression Method (0028,2114).
    static let lossyMethod = "ISO_15444_1"

    public let lossless: Bool
    public let ratio: Float

    public init(lossless: Bool, ratio: Float = defaultRatio) {
        self.lossless = lossless
        self.ratio = ratio
    }

    public func encode(_ native: [UInt8], layout: FrameLayout) throws(CodecError) -> EncodedFrame {
        let name = lossless ? "JPEG 2000 lossless" : "JPEG 2000"
        let bytes = try OpenJPEG.encode(native, layout: layout, lossless: lossless, ratio: ratio, syntax: name)
        let photometric = layout.samplesPerPixel == 3 ? (lossless ? "YBR_RCT" : "YBR_ICT") : layout.photometricInterpretation
        return EncodedFrame(bytes: bytes, photometricInterpretation: photometric, lossyMethod: lossless ? nil : Self.lossyMethod)
    }
}
