/// An 8-bit image ready to encode: rows of grey (1 channel) or RGB (3 channels) pixels, top to
/// bottom, with no padding between rows.
public struct Raster: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let channels: Int
    public let pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(channels == 1 || channels == 3, "a raster is grey or RGB")
        precondition(pixels.count == width * height * channels, "a raster's pixels fill it exactly")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }
}
