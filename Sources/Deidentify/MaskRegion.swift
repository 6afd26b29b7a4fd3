/// A rectangle of pixels, in the image's own rows and columns, where one modality's devices burn
/// text into the image (a US header band, for instance).
public struct MaskRegion: Codable, Sendable, Equatable {
    public let modality: String
    public let x: Int
    public let y: Int
    public let width: Int
    public let height: Int

    public init(modality: String, x: Int, y: Int, width: Int, height: Int) {
        self.modality = modality
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
}
