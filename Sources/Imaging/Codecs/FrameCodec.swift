/// Decodes the compressed frames of one transfer syntax (one frame at a time: its fragments
/// joined) to native little-endian pixel data, and where it can, encodes them back.
public protocol FrameDecoder: Sendable {
    /// The native bytes of one frame and the layout they are in. The layout differs from the
    /// one given where decoding changes it (a JPEG YBR_FULL_422 frame is returned RGB,
    /// interleaved), and the caller writes that layout into the data set it makes.
    func decode(_ encoded: [UInt8], layout: FrameLayout) throws(CodecError) -> DecodedFrame
}

public protocol FrameEncoder: Sendable {
    /// One native little-endian frame in `layout`, compressed.
    func encode(_ native: [UInt8], layout: FrameLayout) throws(CodecError) -> EncodedFrame
}

public struct DecodedFrame: Sendable, Equatable {
    public var bytes: [UInt8]
    public var layout: FrameLayout

    public init(bytes: [UInt8], layout: FrameLayout) {
        self.bytes = bytes
        self.layout = layout
    }
}

public struct EncodedFrame: Sendable, Equatable {
    public var bytes: [UInt8]
    /// The Photometric Interpretation the data set must carry with these bytes (YBR_FULL_422 for
    /// lossy JPEG of RGB, YBR_ICT or YBR_RCT for JPEG 2000 colour).
    public var photometricInterpretation: String
    /// Set when the encoding lost information: the Lossy Image Compression Method (0028,2114)
    /// term, such as ISO_10918_1, ISO_14495_1, ISO_15444_1.
    public var lossyMethod: String?

    public init(bytes: [UInt8], photometricInterpretation: String, lossyMethod: String? = nil) {
        self.bytes = bytes
        self.photometricInterpretation = photometricInterpretation
        self.lossyMethod = lossyMethod
    }
}
