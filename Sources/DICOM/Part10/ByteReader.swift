#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sequential reads over a file (buffered, so a huge value can be skipped without reading it)
/// or over bytes in memory. Every read checks what is left and throws a `DICOMParseError`.
final class ByteReader {
    private enum Backing {
        case memory
        case file(fd: Int32, path: String)
    }

    private let backing: Backing
    /// Total length of the stream.
    let length: Int
    /// Absolute offset of the next byte to read.
    private(set) var position: Int
    private var buffer: [UInt8]
    /// Absolute offset of `buffer[0]`.
    private var bufferStart: Int
    private static let bufferSize = 1 << 16

    init(bytes: [UInt8]) {
        backing = .memory
        buffer = bytes
        bufferStart = 0
        length = bytes.count
        position = 0
    }

    init(path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw DICOMFileError.cannotOpen(path: path, errno: errno) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw DICOMFileError.cannotOpen(path: path, errno: code)
        }
        backing = .file(fd: fd, path: path)
        length = Int(info.st_size)
        position = 0
        buffer = []
        bufferStart = 0
    }

    deinit {
        if case .file(let fd, _) = backing { close(fd) }
    }

    var remaining: Int { length - position }
    var isAtEnd: Bool { position >= length }

    /// The file a deferred value can be read back from; nil for bytes in memory.
    var path: String? {
        if case .file(_, let path) = backing { return path }
        return nil
    }

    /// Reads exactly `count` bytes or throws, naming what was being read.
    func read(_ count: Int, _ what: @autoclosure () -> String) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else {
            throw DICOMParseError(offset: position, .truncated(reading: what(), expected: count, available: remaining))
        }
        try fill(count)
        let start = position - bufferStart
        position += count
        return buffer[start..<start + count]
    }

    /// Looks at the next bytes without consuming them; fewer if the stream ends sooner.
    func peek(_ count: Int) throws -> ArraySlice<UInt8> {
        let available = min(count, remaining)
        try fill(available)
        let start = position - bufferStart
        return buffer[start..<start + available]
    }

    func skip(_ count: Int, _ what: @autoclosure () -> String) throws {
        guard count >= 0, count <= remaining else {
            throw DICOMParseError(offset: position, .truncated(reading: what(), expected: count, available: remaining))
        }
        position += count
    }

    func readUInt16(bigEndian: Bool, _ what: @autoclosure () -> String) throws -> UInt16 {
        let b = try read(2, what())
        let v0 = UInt16(b[b.startIndex]), v1 = UInt16(b[b.startIndex + 1])
        return bigEndian ? v0 << 8 | v1 : v1 << 8 | v0
    }

    func readUInt32(bigEndian: Bool, _ what: @autoclosure () -> String) throws -> UInt32 {
        let b = try read(4, what())
        let i = b.startIndex
        let v = (UInt32(b[i]), UInt32(b[i + 1]), UInt32(b[i + 2]), UInt32(b[i + 3]))
        return bigEndian ? v.0 << 24 | v.1 << 16 | v.2 << 8 | v.3 : v.3 << 24 | v.2 << 16 | v.1 << 8 | v.0
    }

    /// The rest of the stream, for inflating a deflated data set.
    func readToEnd() throws -> [UInt8] {
        Array(try read(remaining, "the rest of the file"))
    }

    /// Makes buffer hold [position, position + count).
    private func fill(_ count: Int) throws {
        guard case .file(let fd, let path) = backing else { return }
        if position >= bufferStart, position + count <= bufferStart + buffer.count { return }
        let want = max(count, min(Self.bufferSize, remaining))
        var fresh = [UInt8](repeating: 0, count: want)
        var got = 0
        while got < want {
            let n = fresh.withUnsafeMutableBytes { raw in
                pread(fd, raw.baseAddress! + got, want - got, off_t(position + got))
            }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw DICOMFileError.regionUnreadable(path: path, offset: UInt64(position + got), expected: want - got, got: max(n, 0))
            }
            got += n
        }
        buffer = fresh
        bufferStart = position
    }
}

extension ByteReader {
    /// Steps back over bytes just read; they are still buffered.
    func rewind(by count: Int) throws {
        precondition(count >= 0 && count <= position, "rewind past the start of the stream")
        position -= count
    }
}
