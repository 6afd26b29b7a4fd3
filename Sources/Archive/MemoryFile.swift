#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CMemoryFile

/// A file with no name on any disk (Linux `memfd_create`): where a sealed blob is decrypted,
/// so its plaintext never lands on the data disk. Its pages are memory (swappable like any
/// other): an object of N bytes costs N bytes of RAM while it is read.
enum MemoryFile {
    /// A new empty memory file's descriptor (close-on-exec), writable and readable through
    /// `/proc/self/fd/<descriptor>`.
    static func create() throws(BlobStoreError) -> Int32 {
        #if os(Linux)
        let fd = rampart_memfd_create("rampart-blob", 1)  // MFD_CLOEXEC
        guard fd >= 0 else { throw .cannotCreateMemoryFile(errno: errno) }
        return fd
        #else
        throw .cannotCreateMemoryFile(errno: ENOSYS)
        #endif
    }
}
