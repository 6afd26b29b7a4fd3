/// How the samples of a pixel are to be read (PS3.3 C.7.6.3.1.2), for the interpretations that
/// native (uncompressed) pixel data can carry and Rampart renders.
public enum PhotometricInterpretation: String, Sendable, Equatable {
    /// Greyscale, the minimum sample value shown white.
    case monochrome1 = "MONOCHROME1"
    /// Greyscale, the minimum sample value shown black.
    case monochrome2 = "MONOCHROME2"
    case rgb = "RGB"
    /// One sample per pixel, an index into the red, green and blue palette colour LUTs.
    case paletteColor = "PALETTE COLOR"
    /// Luminance and two full-resolution chrominance samples (PS3.3 C.7.6.3.1.2).
    case ybrFull = "YBR_FULL"

    /// Samples per Pixel (0028,0002) this interpretation requires.
    public var samplesPerPixel: Int {
        switch self {
        case .monochrome1, .monochrome2, .paletteColor: 1
        case .rgb, .ybrFull: 3
        }
    }

    public var isMonochrome: Bool {
        switch self {
        case .monochrome1, .monochrome2: true
        case .rgb, .paletteColor, .ybrFull: false
        }
    }
}
