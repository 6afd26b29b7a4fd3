/// Why frames of an object's pixel data cannot be read.
public enum NativeFramesError: Error, Sendable, Equatable, CustomStringConvertible {
    case noPixelData
    /// The pixel data is encapsulated (compressed): its frames need a codec.
    case encapsulated
    case noWholeByteLayout(rows: Int?, columns: Int?, bitsAllocated: Int?)
    case shorterThanFrames(length: Int, frames: Int, frameLength: Int)
    case noSuchFrame(Int, count: Int)
    case unreadable(String)

    public var description: String {
        switch self {
        case .noPixelData: "the object has no pixel data"
        case .encapsulated: "the object's pixel data is compressed (encapsulated)"
        case let .noWholeByteLayout(rows, columns, bits):
            "the object's pixel data has no whole-byte frame layout (Rows \(rows.map(String.init) ?? "missing"), "
                + "Columns \(columns.map(String.init) ?? "missing"), Bits Allocated \(bits.map(String.init) ?? "missing"))"
        case let .shorterThanFrames(length, frames, frameLength):
            "the object's pixel data is \(length) bytes, shorter than its \(frames) frame(s) of \(frameLength) bytes"
        case let .noSuchFrame(number, count): "frame \(number) does not exist: the instance has \(count) frame(s)"
        case let .unreadable(reason): "a frame could not be read from the stored object: \(reason)"
        }
    }
}
