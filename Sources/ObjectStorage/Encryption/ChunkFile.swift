#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file read or written in whole chunks: `read(upTo:)` returns fewer bytes only at the end.
/// Owned by one sealing or opening, on one task.
final class ChunkFile {
    let path: String
    private var fd: Int32

    init(reading path: String) throws(EncryptionError) {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotRead(path: path, errno: errno) }
    }

    /// Creates (truncating) a file of mode 0600.
    init(writing path: String) throws(EncryptionError) {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .cannotWrite(path: path, errno: errno) }
    }

    deinit { close() }

    func close() {
        if fd >= 0 { _ = systemClose(fd) }
        fd = -1
    }

    func read(upTo count: Int) throws(EncryptionError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = bytes.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress! + filled, count - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .cannotRead(path: path, errno: errno)
            }
            if n == 0 { break }
            filled += n
        }
        bytes.removeLast(count - filled)
        return bytes
    }

    func write(_ bytes: [UInt8]) throws(EncryptionError) {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { systemWrite(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .cannotWrite(path: path, errno: errno)
            }
            written += n
        }
    }

    func sync() throws(EncryptionError) {
        guard fsync(fd) == 0 else { throw .cannotWrite(path: path, errno: errno) }
    }
}

// The system calls under names the class's own methods do not shadow.
private func systemClose(_ fd: Int32) -> Int32 { close(fd) }
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }
