/// The media type a rendered image is encoded in (PS3.18 8.7.4 Rendered Media Types).
public enum RenderedFormat: Sendable, Equatable {
    case png
    /// `quality` from 1 to 100.
    case jpeg(quality: Int)

    /// PS3.18 8.3.5.1.2: when the request gives no quality.
    public static let defaultQuality = 90

    public var mediaType: String {
        switch self {
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        }
    }

    public func encode(_ raster: Raster) throws(RenderingError) -> [UInt8] {
        switch self {
        case .png: try PNGEncoder.encode(raster)
        case let .jpeg(quality): try JPEGEncoder.encode(raster, quality: quality)
        }
    }
}
