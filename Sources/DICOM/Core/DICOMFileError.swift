#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Problems reaching a file, as opposed to problems with what it contains (`DICOMParseError`).
public enum DICOMFileError: Error, Sendable, CustomStringConvertible {
    case cannotOpen(path: String, errno: Int32)
    case cannotWrite(path: String, errno: Int32)
    case regionUnreadable(path: String, offset: UInt64, expected: Int, got: Int)

    public var description: String {
        switch self {
        case let .cannotOpen(path, code):
            "cannot open \(path): \(String(cString: strerror(code)))"
        case let .cannotWrite(path, code):
            "cannot write \(path): \(String(cString: strerror(code)))"
        case let .regionUnreadable(path, offset, expected, got):
            "\(path) changed or shrank since it was read: \(expected) bytes expected at byte \(offset), \(got) read"
        }
    }
}
