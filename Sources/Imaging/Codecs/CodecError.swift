/// Why a frame could not be decoded or encoded. `syntax` names the codec in words ("JPEG-LS
/// lossless"), for the person reading the message.
public enum CodecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The compressed bytes are not a valid stream of the syntax.
    case malformed(syntax: String, reason: String)
    /// Valid data this codec does not handle (a bit depth, a photometric interpretation, a process).
    case unsupported(syntax: String, reason: String)
    /// The decoded frame does not match the data set's own description of it.
    case layoutMismatch(syntax: String, reason: String)
    /// A C library reported an error not otherwise classified.
    case library(name: String, message: String)

    public var description: String {
        switch self {
        case let .malformed(syntax, reason): "the \(syntax) data is malformed: \(reason)"
        case let .unsupported(syntax, reason): "\(syntax) is not supported here: \(reason)"
        case let .layoutMismatch(syntax, reason): "the \(syntax) frame does not match the data set's Image Pixel attributes: \(reason)"
        case let .library(name, message): "\(name) failed: \(message)"
        }
    }
}
