/// Bytes of a value or a fragment: held in memory, or left in the file until asked, so that a
/// 2 GB pixel data element costs nothing to parse past.
public enum ByteStorage: Sendable, Equatable {
    case inline([UInt8])
    case file(FileRegion)

    public var count: Int {
        switch self {
        case .inline(let bytes): bytes.count
        case .file(let region): Int(region.length)
        }
    }

    /// Loads the bytes; a deferred region is read from its file (and byte-swapped if it came from big endian).
    public func load() throws -> [UInt8] {
        switch self {
        case .inline(let bytes): bytes
        case .file(let region): try region.load()
        }
    }

    /// Hands the bytes over in chunks of at most `chunkSize`, without holding them all at once.
    public func forEachChunk(size chunkSize: Int = 1 << 20, _ body: ([UInt8]) throws -> Void) throws {
        switch self {
        case .inline(let bytes):
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + chunkSize)
                try body(Array(bytes[start..<end]))
                start = end
            }
        case .file(let region):
            try region.forEachChunk(size: chunkSize, body)
        }
    }
}
