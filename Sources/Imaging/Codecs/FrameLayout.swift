/// The shape of one frame of pixel data, as a codec reads or writes it: what the data set's Image
/// Pixel attributes say, independent of how the frame is compressed.
public struct FrameLayout: Sendable, Equatable, Hashable {
    public var rows: Int
    public var columns: Int
    public var samplesPerPixel: Int
    public var bitsAllocated: Int
    public var bitsStored: Int
    public var isSigned: Bool
    /// Native colour samples one plane after another (Planar Configuration 1).
    public var isPlanar: Bool
    /// Photometric Interpretation as written (compressed data may carry YBR_FULL_422, YBR_ICT, YBR_RCT).
    public var photometricInterpretation: String

    public init(rows: Int, columns: Int, samplesPerPixel: Int, bitsAllocated: Int, bitsStored: Int, isSigned: Bool,
                isPlanar: Bool, photometricInterpretation: String) {
        self.rows = rows
        self.columns = columns
        self.samplesPerPixel = samplesPerPixel
        self.bitsAllocated = bitsAllocated
        self.bitsStored = bitsStored
        self.isSigned = isSigned
        self.isPlanar = isPlanar
        self.photometricInterpretation = photometricInterpretation
    }

    /// Bytes of the frame as native, little-endian pixel data.
    public var nativeLength: Int { rows * columns * samplesPerPixel * bitsAllocated / 8 }
}
