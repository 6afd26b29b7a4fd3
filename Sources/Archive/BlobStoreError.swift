#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DICOM
import ObjectStorage

/// Why the blob store could not take, place or remove an object.
public enum BlobStoreError: Error, Sendable, CustomStringConvertible {
    case invalidUID(InvalidUID)
    case cannotCreateFolder(path: String, errno: Int32)
    case cannotRead(path: String, errno: Int32)
    case cannotWrite(path: String, errno: Int32)
    /// The source does not start with a 128-byte preamble and "DICM".
    case notPart10(path: String)
    /// A decrypted blob needs a memory file (`MemoryFile`), which only Linux has.
    case cannotCreateMemoryFile(errno: Int32)
    /// The key file of `archive.encryption_key_file` cannot be used.
    case keyFile(EncryptionError)
    /// An object could not be sealed with the key of `keyFile`.
    case cannotSeal(path: String, keyFile: String, EncryptionError)
    /// A sealed blob could not be opened with the key of `keyFile`: another key sealed it, or
    /// its bytes were changed.
    case cannotUnseal(blobPath: String, keyFile: String, EncryptionError)
    /// The blob's bytes do not have the SHA-256 the index recorded when it was filed.
    case damaged(blobPath: String, expected: String, found: String)
    /// The object store failed to `operation` (after its retries).
    case objectStore(operation: String, ObjectStoreError)
    /// More objects without an index row than interrupted stores leave: the index is not the
    /// one they were filed in, and removing them as orphans would destroy the archive.
    case unindexedObjects(count: Int, indexed: Int, location: String)

    public var description: String {
        switch self {
        case .invalidUID(let problem):
            "refused to build a blob path: \(problem)"
        case let .cannotCreateFolder(path, code):
            "cannot create folder \(path): \(String(cString: strerror(code))); check that the archive directory is writable by the Rampart user"
        case let .cannotRead(path, code):
            "cannot read \(path): \(String(cString: strerror(code)))"
        case let .cannotWrite(path, code):
            "cannot write \(path): \(String(cString: strerror(code))); check free space and permissions of the archive directory"
        case .notPart10(let path):
            "\(path) is not a DICOM Part 10 file (no preamble and \"DICM\")"
        case .cannotCreateMemoryFile(let code):
            "cannot create a memory file to decrypt a blob into: \(String(cString: strerror(code))); sealed blobs need Linux (memfd_create)"
        case .keyFile(let problem):
            "archive.encryption_key_file: \(problem)"
        case let .cannotSeal(path, keyFile, problem):
            "cannot seal \(path) with the key file \(keyFile): \(problem)"
        case let .cannotUnseal(blobPath, keyFile, problem):
            "the sealed blob \(blobPath) cannot be opened with the key file \(keyFile) (archive.encryption_key_file): \(problem)"
        case let .damaged(blobPath, expected, found):
            "the blob \(blobPath) has SHA-256 \(found), not the \(expected) recorded when it was filed: it was changed or damaged in the store; restore it from a backup or a replica"
        case let .objectStore(operation, problem):
            "the archive's object store could not \(operation): \(problem)"
        case let .unindexedObjects(count, indexed, location):
            "\(count) objects in \(location) have no row in the archive index, which lists \(indexed): more than interrupted stores leave, "
                + "so this index is not the one they were filed in (an empty or another database, or a changed archive.index). Nothing was removed. "
                + "Point archive.index back at this archive's index, or copy the index there with rampart migrate; to drop the objects on purpose, move them away first"
        }
    }
}
