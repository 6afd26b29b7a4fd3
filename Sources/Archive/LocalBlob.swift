#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOConcurrencyHelpers

/// An archived object's Part 10 bytes as a local file a reader may open by `path`, lent until
/// `release()` (or until the lease is freed): what `Archive.localBlob(of:grant:)` gives.
///
/// A plain local blob is the blob file itself, at no cost. Otherwise the lease holds an open
/// descriptor and `path` is `/proc/self/fd/N`: a decrypted copy in memory (`MemoryFile`), or a
/// file of the object store's cache, which eviction may unlink while it is read (the open
/// descriptor keeps its bytes until released).
public final class LocalBlob: Sendable {
    /// What a reader opens; valid until `release()`.
    public let path: String
    private let descriptor: NIOLockedValueBox<Int32?>

    /// The blob file itself: nothing to release.
    init(file path: String) {
        self.path = path
        descriptor = NIOLockedValueBox(nil)
    }

    /// A file this lease owns the open descriptor of, reached through `/proc/self/fd`.
    init(descriptor fd: Int32) {
        path = "/proc/self/fd/\(fd)"
        descriptor = NIOLockedValueBox(fd)
    }

    /// Closes the descriptor (freeing a decrypted copy's memory); later calls do nothing, so a
    /// descriptor number the process has reused since is never closed.
    public func release() {
        if let fd = descriptor.withLockedValue({ value -> Int32? in defer { value = nil }; return value }) {
            close(fd)
        }
    }

    deinit { release() }
}
