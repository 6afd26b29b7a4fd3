#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an object could not be sealed or opened, for the operator who must act.
public enum EncryptionError: Error, CustomStringConvertible, Equatable {
    case keyFileMissing(path: String)
    /// A key file that others may read is a key that others may have.
    case keyFileTooOpen(path: String, mode: UInt32)
    case keyFileWrongSize(path: String, size: Int)
    case keyFileExists(path: String)
    /// The object was sealed with a key this provider does not hold.
    case unknownKey(objectKeyID: String, providerKeyID: String)
    case notSealed(path: String)
    case unsupportedVersion(UInt8)
    /// An authentication tag did not match: the bytes were changed, or the wrong key was used.
    case tampered(path: String, chunk: Int?)
    /// The sealed object ends before its final chunk.
    case truncated(path: String)
    case cannotRead(path: String, errno: Int32)
    case cannotWrite(path: String, errno: Int32)
    case keyProvider(String)

    public var description: String {
        switch self {
        case let .keyFileMissing(path):
            "no encryption key file at \(path): create one with `rampart object-store create-key \(path)`"
        case let .keyFileTooOpen(path, mode):
            "the encryption key file \(path) has mode \(String(mode, radix: 8)): others may read it; make it 0600 (chmod 600) and owned by the server's user"
        case let .keyFileWrongSize(path, size):
            "the encryption key file \(path) holds \(size) bytes, not 32: it is not a key file"
        case let .keyFileExists(path):
            "\(path) exists already: a key file is never overwritten (objects sealed with it would be lost)"
        case let .unknownKey(objectKeyID, providerKeyID):
            "the object was sealed with key \(objectKeyID), but the key given is \(providerKeyID): use the key file it was sealed with"
        case let .notSealed(path):
            "\(path) is not a sealed object (no RPSEAL header)"
        case let .unsupportedVersion(version):
            "sealed object version \(version) is newer than this Rampart knows: upgrade Rampart"
        case let .tampered(path, chunk):
            "\(path) fails authentication\(chunk.map { " at chunk \($0)" } ?? " in its header"): it was changed or damaged, or sealed with another key"
        case let .truncated(path):
            "\(path) is cut short: its final chunk is missing"
        case let .cannotRead(path, code):
            "cannot read \(path): \(String(cString: strerror(code)))"
        case let .cannotWrite(path, code):
            "cannot write \(path): \(String(cString: strerror(code)))"
        case let .keyProvider(detail):
            "the key provider failed: \(detail)"
        }
    }
}
