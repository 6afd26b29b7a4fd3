#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DICOM

/// Why the blob store could not take, place or remove an object.
public enum BlobStoreError: Error, Sendable, CustomStringConvertible {
    case invalidUID(InvalidUID)
    case cannotCreateFolder(path: String, errno: Int32)
    case cannotRead(path: String, errno: Int32)
    case cannotWrite(path: String, errno: Int32)
    /// The source does not start with a 128-byte preamble and "DICM".
    case notPart10(path: String)

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
        }
    }
}
