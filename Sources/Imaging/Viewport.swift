/// The `viewport=vw,vh[,sx,sy,sw,sh]` of a rendered request (PS3.18 8.3.5.1.3): the size of
/// the rectangle the image is fitted into, keeping its aspect ratio, and optionally the region
/// of the source image shown in it (a negative width or height flips the region).
public struct Viewport: Sendable, Equatable, CustomStringConvertible {
    public let width: Int
    public let height: Int
    public let region: Region?

    /// A region of the source image, in its pixels.
    public struct Region: Sendable, Equatable {
        public let x: Int
        public let y: Int
        /// nil: to the image's right (bottom) edge.
        public let width: Int?
        public let height: Int?
    }

    /// Larger viewports are refused: the raster of one would be gigabytes.
    public static let maximumSide = 8192

    public init(width: Int, height: Int, region: Region? = nil) {
        self.width = width
        self.height = height
        self.region = region
    }

    public init(_ text: String) throws(ViewportError) {
        let fields = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0.filter { $0 != " " }) }
        guard fields.count == 2 || fields.count == 6 else { throw ViewportError(text: text, problem: "has \(fields.count) values") }
        guard let width = Int(fields[0]), let height = Int(fields[1]), (1...Self.maximumSide).contains(width),
              (1...Self.maximumSide).contains(height) else {
            throw ViewportError(text: text, problem: "has no viewport width and height of 1 or more")
        }
        self.width = width
        self.height = height
        guard fields.count == 6 else {
            region = nil
            return
        }
        // sx and sy default to 0, sw and sh to the rest of the image (an empty value is absent).
        func number(_ field: String) throws(ViewportError) -> Int? {
            guard !field.isEmpty else { return nil }
            guard let value = Int(field), abs(value) <= 65535 else { throw ViewportError(text: text, problem: "has \(field), not a whole number") }
            return value
        }
        let x = try number(fields[2]) ?? 0, y = try number(fields[3]) ?? 0
        let regionWidth = try number(fields[4]), regionHeight = try number(fields[5])
        guard x >= 0, y >= 0, regionWidth != 0, regionHeight != 0 else {
            throw ViewportError(text: text, problem: "has a source region that starts before the image or is empty")
        }
        region = Region(x: x, y: y, width: regionWidth, height: regionHeight)
    }

    public var description: String {
        guard let region else { return "\(width),\(height)" }
        return "\(width),\(height),\(region.x),\(region.y),\(region.width.map(String.init) ?? ""),\(region.height.map(String.init) ?? "")"
    }

    /// The largest size with the aspect ratio of `columns` x `rows` that fits the viewport, at
    /// least one pixel a side.
    public func fitted(columns: Int, rows: Int) -> (width: Int, height: Int) {
        let scale = min(Double(width) / Double(columns), Double(height) / Double(rows))
        return (max(1, min(width, Int((Double(columns) * scale).rounded()))),
                max(1, min(height, Int((Double(rows) * scale).rounded()))))
    }

    /// `raster` with the source region cut out (flipped where its size is negative) and
    /// scaled to fit the viewport.
    public func apply(to raster: Raster) throws(RenderingError) -> Raster {
        var source = raster
        if let region {
            let right = region.width.map { $0 > 0 ? region.x + $0 : region.x + 1 } ?? raster.width
            let bottom = region.height.map { $0 > 0 ? region.y + $0 : region.y + 1 } ?? raster.height
            let left = region.width.map { $0 < 0 ? region.x + 1 + $0 : region.x } ?? region.x
            let top = region.height.map { $0 < 0 ? region.y + 1 + $0 : region.y } ?? region.y
            guard left >= 0, top >= 0, right <= raster.width, bottom <= raster.height, left < right, top < bottom else {
                throw .regionOutsideImage(self, columns: raster.width, rows: raster.height)
            }
            source = raster.cropped(x: left, y: top, width: right - left, height: bottom - top)
                .flipped(horizontally: (region.width ?? 1) < 0, vertically: (region.height ?? 1) < 0)
        }
        let size = fitted(columns: source.width, rows: source.height)
        return source.resampled(width: size.width, height: size.height)
    }
}
