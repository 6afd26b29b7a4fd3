#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One process at a time opens an archive: an exclusive `flock` on `<archive>/lock`, taken
/// before start-up recovery and held until the `Archive` is released (the kernel drops it when
/// the process ends, crash included, so a stale lock cannot outlive its holder).
///
/// Why exclusive: recovery removes blobs that have no index row. In a second process, those
/// include blobs another process has written and not yet indexed, and its acknowledgement would
/// then name a lost object (DESIGN.md rule 5). Within one process the `Archive` actor orders
/// stores and deletes; across processes nothing would.
///
/// The holder writes its process ID into the file, so a refused process can name it.
final class ArchiveLock: Sendable {
    /// Held open for the lock's lifetime; closing it releases the lock.
    private let descriptor: Int32

    init(directory: String) throws(ArchiveError) {
        let path = directory + "/lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .cannotLock(path: path, errno: errno) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            let holder = Self.holder(fd)
            close(fd)
            if code == EWOULDBLOCK { throw .inUse(directory: directory, holder: holder) }
            throw .cannotLock(path: path, errno: code)
        }
        let pid = Array("\(getpid())\n".utf8)
        guard ftruncate(fd, 0) == 0, pid.withUnsafeBytes({ pwrite(fd, $0.baseAddress, $0.count, 0) }) == pid.count else {
            let code = errno
            close(fd)
            throw .cannotLock(path: path, errno: code)
        }
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// The process ID the holder wrote; nil while it has not written it yet.
    private static func holder(_ fd: Int32) -> Int32? {
        var bytes = [UInt8](repeating: 0, count: 16)
        let count = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: bytes[..<count].prefix { $0 != 0x0A }, as: UTF8.self))
    }
}
