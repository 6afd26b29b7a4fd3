import Deidentify
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The key file of `rampart deidentify --key-file`: the project key as 64 hex digits, readable by
/// its owner only.
enum ProjectKeyFile {
    enum Failure: Error, CustomStringConvertible {
        case missing(String)
        case exists(String)
        case cannotWrite(String, errno: Int32)

        var description: String {
            switch self {
            case .missing(let path):
                "no key file at \(path): create one with --new-key (and keep it: the same key gives the same pseudonyms)"
            case .exists(let path):
                "\(path) exists: drop --new-key to use it, or choose another path (a new key gives new pseudonyms)"
            case .cannotWrite(let path, let code):
                "cannot create \(path): \(String(cString: strerror(code)))"
            }
        }
    }

    static func read(_ path: String) throws -> ProjectKey {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw Failure.missing(path) }
        return try ProjectKey(hex: text, path: path)
    }

    /// Writes a new random key; O_EXCL so that an existing key is never overwritten.
    static func create(_ path: String) throws -> ProjectKey {
        let key = ProjectKey.generate()
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw errno == EEXIST ? Failure.exists(path) : Failure.cannotWrite(path, errno: errno)
        }
        defer { close(descriptor) }
        let bytes = Array((key.hex + "\n").utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count, fsync(descriptor) == 0 else {
            throw Failure.cannotWrite(path, errno: errno)
        }
        return key
    }
}
