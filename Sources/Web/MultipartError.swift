/// Why a multipart body (RFC 2046 5.1) cannot be read. Descriptions name the framing only,
/// never content, so they can go to the caller and to the process log.
public enum MultipartError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The boundary parameter is missing, empty, longer than 70 characters, or ends in a space.
    case invalidBoundary(String)
    /// A boundary line is followed by something other than "--", white space and CRLF.
    case malformedBoundaryLine
    /// A part's header section is longer than the parser keeps.
    case headersTooLong(limit: Int)
    /// A header line without a colon.
    case malformedHeader(String)
    /// The body ended before the close delimiter ("--boundary--"): it was cut short.
    case missingCloseDelimiter
    /// The body holds no boundary line at all.
    case noParts

    public var description: String {
        switch self {
        case .invalidBoundary(let boundary):
            "the multipart boundary \"\(boundary.prefix(80))\" is not valid (RFC 2046: 1 to 70 characters, not ending in a space): send Content-Type multipart/related with a boundary parameter"
        case .malformedBoundaryLine:
            "a multipart boundary line is followed by something other than CRLF: check the body's framing"
        case .headersTooLong(let limit):
            "a part's headers are longer than \(limit) bytes"
        case .malformedHeader(let line):
            "a part header line has no colon: \"\(line.prefix(80))\""
        case .missingCloseDelimiter:
            "the multipart body ends without its close delimiter (\"--boundary--\"): it was cut short, so nothing in it was stored"
        case .noParts:
            "the body holds no line with the boundary of its Content-Type: check the boundary parameter"
        }
    }
}
