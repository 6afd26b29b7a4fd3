#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value left in its file: where it is, how long it is, and how to bring it to little endian.
public struct FileRegion: Sendable, Equatable {
    public let path: String
    public let offset: UInt64
    public let length: UInt64
    /// Word size to swap when the file is big endian (nil: take the bytes as they are).
    public let swapWordSize: Int?

    public init(path: String, offset: UInt64, length: UInt64, swapWordSize: Int? = nil) {
        self.path = path
        self.offset = offset
        self.length = length
        self.swapWordSize = swapWordSize
    }

    public func load() throws -> [UInt8] {
        var all = [UInt8]()
        all.reserveCapacity(Int(length))
        try forEachChunk(size: 1 << 22) { all.append(contentsOf: $0) }
        return all
    }

    public func forEachChunk(size chunkSize: Int, _ body: ([UInt8]) throws -> Void) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw DICOMFileError.cannotOpen(path: path, errno: errno) }
        defer { close(fd) }
        // Keep chunks whole words so a swap never splits a value.
        let word = max(1, swapWordSize ?? 1)
        let step = max(word, chunkSize - chunkSize % word)
        var done: UInt64 = 0
        var buffer = [UInt8](repeating: 0, count: step)
        while done < length {
            let want = Int(min(UInt64(step), length - done))
            let got = buffer.withUnsafeMutableBytes { raw in
                pread(fd, raw.baseAddress, want, off_t(offset + done))
            }
            guard got == want else {
                throw DICOMFileError.regionUnreadable(path: path, offset: offset + done, expected: want, got: max(got, 0))
            }
            var chunk = Array(buffer[0..<want])
            if let swapWordSize { ByteOrder.swapInPlace(&chunk, wordSize: swapWordSize) }
            try body(chunk)
            done += UInt64(want)
        }
    }
}
