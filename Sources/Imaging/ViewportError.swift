/// A `viewport` parameter that cannot be used, and what it must look like.
public struct ViewportError: Error, Sendable, Equatable, CustomStringConvertible {
    public let text: String
    public let problem: String

    public var description: String {
        "viewport=\(text) \(problem): it must be vw,vh or vw,vh,sx,sy,sw,sh (PS3.18 8.3.5.1.3), the viewport at most \(Viewport.maximumSide) pixels a side"
    }
}
