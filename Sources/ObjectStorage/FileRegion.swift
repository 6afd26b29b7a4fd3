#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto
import NIOCore

/// A byte range of a file, read in chunks: the body of a PUT or of one part of a multipart
/// upload, so that an object never sits whole in memory. Each iteration opens the file afresh,
/// so a retried request sends the same bytes again.
struct FileRegion: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    let path: String
    let offset: Int
    let length: Int
    var chunkSize = 1 << 20

    /// Size of the file at `path`.
    static func size(of path: String) throws(ObjectStoreError) -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .cannotRead(path: path, errno: errno) }
        return Int(info.st_size)
    }

    /// The hex SHA-256 of the region (the signed payload hash), read once before sending.
    func sha256() throws(ObjectStoreError) -> String {
        let fd = try openFile()
        defer { close(fd) }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var position = offset
        while position < offset + length {
            let count = try read(fd, into: &buffer, at: position, upTo: Swift.min(chunkSize, offset + length - position))
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            position += count
        }
        return SigV4Signer.hex(hasher.finalize())
    }

    func makeAsyncIterator() -> Iterator {
        Iterator(region: self)
    }

    /// Reads with pread on the calling thread: local file reads of at most `chunkSize`, like
    /// BlobStore's, not worth a thread pool hop. The file is opened for each chunk, so that an
    /// iteration abandoned halfway (a failed request) leaves no descriptor open.
    struct Iterator: AsyncIteratorProtocol {
        let region: FileRegion
        var position: Int

        init(region: FileRegion) {
            self.region = region
            self.position = region.offset
        }

        mutating func next() async throws -> ByteBuffer? {
            let end = region.offset + region.length
            guard position < end else { return nil }
            let fd = try region.openFile()
            defer { close(fd) }
            let want = Swift.min(region.chunkSize, end - position)
            var bytes = [UInt8](repeating: 0, count: want)
            let count = try region.read(fd, into: &bytes, at: position, upTo: want)
            position += count
            return ByteBuffer(bytes: bytes[..<count])
        }
    }

    fileprivate func openFile() throws(ObjectStoreError) -> Int32 {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotRead(path: path, errno: errno) }
        return fd
    }

    fileprivate func read(_ fd: Int32, into buffer: inout [UInt8], at position: Int, upTo count: Int) throws(ObjectStoreError) -> Int {
        while true {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, count, off_t(position)) }
            if n > 0 { return n }
            if n < 0, errno == EINTR { continue }
            // A file that shrank while it was read: the announced length can no longer be met.
            throw .cannotRead(path: path, errno: n == 0 ? EIO : errno)
        }
    }
}
