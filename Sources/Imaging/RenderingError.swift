/// Why a frame could not be rendered or encoded.
public enum RenderingError: Error, Sendable, Equatable, CustomStringConvertible {
    case frameTooShort(length: Int, expected: Int)
    case regionOutsideImage(Viewport, columns: Int, rows: Int)
    case noPalette
    case encoder(String)

    public var description: String {
        switch self {
        case let .frameTooShort(length, expected):
            "the frame is \(length) bytes; its description needs \(expected)"
        case let .regionOutsideImage(viewport, columns, rows):
            "the viewport's source region (\(viewport)) lies outside the image of \(columns) columns and \(rows) rows"
        case .noPalette:
            "PALETTE COLOR pixel data needs its red, green and blue palette colour LUTs"
        case let .encoder(reason):
            "the image could not be encoded: \(reason)"
        }
    }
}
