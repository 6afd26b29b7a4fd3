#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto
import Foundation

/// A key-encryption key of 32 random bytes in a file of mode 0600. Data keys are wrapped with
/// AES-256-GCM under it, the key id bound as associated data. The id is a fingerprint of the
/// key (not the key), so a sealed object says which key file opens it.
public struct KeyFileProvider: KeyProvider {
    public let currentKeyID: String
    private let key: SymmetricKey

    /// Reads the key file at `path`; refuses one that group or others may read.
    public init(path: String) throws(EncryptionError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw errno == ENOENT ? .keyFileMissing(path: path) : .cannotRead(path: path, errno: errno)
        }
        let mode = UInt32(info.st_mode) & 0o777
        guard mode & 0o077 == 0 else { throw .keyFileTooOpen(path: path, mode: mode) }
        guard let data = FileManager.default.contents(atPath: path) else { throw .cannotRead(path: path, errno: EACCES) }
        guard data.count == 32 else { throw .keyFileWrongSize(path: path, size: data.count) }
        self.init(key: SymmetricKey(data: data))
    }

    /// A provider over a key held in memory (tests; keys fetched by other means).
    public init(key: SymmetricKey) {
        self.key = key
        let digest = SHA256.hash(data: Data("rampart key id".utf8) + key.withUnsafeBytes { Data($0) })
        self.currentKeyID = "file:" + SigV4Signer.hex(digest.prefix(8))
    }

    /// Writes a new key file of 32 random bytes at `path`, mode 0600; never overwrites one.
    public static func create(at path: String) throws(EncryptionError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw errno == EEXIST ? .keyFileExists(path: path) : .cannotWrite(path: path, errno: errno) }
        defer { close(fd) }
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else {
            let code = errno
            unlink(path)
            throw .cannotWrite(path: path, errno: code)
        }
    }

    public func wrap(_ dataKey: SymmetricKey) async throws(EncryptionError) -> WrappedKey {
        do {
            let box = try AES.GCM.seal(dataKey.withUnsafeBytes { Data($0) }, using: key, authenticating: Data(currentKeyID.utf8))
            return WrappedKey(keyID: currentKeyID, bytes: Array(box.combined!))
        } catch {
            throw .keyProvider("AES-GCM could not wrap the data key: \(error)")
        }
    }

    public func unwrap(_ wrapped: WrappedKey) async throws(EncryptionError) -> SymmetricKey {
        guard wrapped.keyID == currentKeyID else { throw .unknownKey(objectKeyID: wrapped.keyID, providerKeyID: currentKeyID) }
        do {
            let box = try AES.GCM.SealedBox(combined: wrapped.bytes)
            let bytes = try AES.GCM.open(box, using: key, authenticating: Data(wrapped.keyID.utf8))
            guard bytes.count == 32 else { throw EncryptionError.tampered(path: "wrapped data key", chunk: nil) }
            return SymmetricKey(data: bytes)
        } catch {
            throw .tampered(path: "wrapped data key", chunk: nil)
        }
    }
}
