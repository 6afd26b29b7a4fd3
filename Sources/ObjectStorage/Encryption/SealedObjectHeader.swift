/// The header of a sealed object (version 1), all integers big-endian:
///
///     "RPSEAL"            6 bytes, the magic
///     version             UInt8 (1)
///     key id length       UInt16, then the key id (UTF-8)
///     wrapped key length  UInt16, then the wrapped data key
///     chunk size          UInt32, plaintext bytes per chunk
///     nonce prefix        8 random bytes
///
/// Every byte of it is authenticated: its SHA-256 is in each chunk's associated data.
struct SealedObjectHeader: Sendable, Equatable {
    static let magic = Array("RPSEAL".utf8)
    static let version: UInt8 = 1
    static let maximumChunkSize: UInt32 = 64 << 20

    let wrappedKey: WrappedKey
    let chunkSize: UInt32
    let noncePrefix: [UInt8]

    func encoded() -> [UInt8] {
        let id = Array(wrappedKey.keyID.utf8)
        var bytes = Self.magic + [Self.version]
        bytes += [UInt8(id.count >> 8), UInt8(id.count & 0xFF)] + id
        bytes += [UInt8(wrappedKey.bytes.count >> 8), UInt8(wrappedKey.bytes.count & 0xFF)] + wrappedKey.bytes
        bytes += [UInt8(chunkSize >> 24), UInt8(chunkSize >> 16 & 0xFF), UInt8(chunkSize >> 8 & 0xFF), UInt8(chunkSize & 0xFF)]
        return bytes + noncePrefix
    }

    static func read(from file: ChunkFile, path: String) throws(EncryptionError) -> SealedObjectHeader {
        func take(_ count: Int) throws(EncryptionError) -> [UInt8] {
            let bytes = try file.read(upTo: count)
            guard bytes.count == count else { throw .truncated(path: path) }
            return bytes
        }
        guard try file.read(upTo: magic.count) == magic else { throw .notSealed(path: path) }
        let version = try take(1)[0]
        guard version == Self.version else { throw .unsupportedVersion(version) }
        let idLength = try take(2)
        let idBytes = try take(Int(idLength[0]) << 8 | Int(idLength[1]))
        // A key id that is not UTF-8 was changed on the way: the header is authenticated later,
        // but this one cannot even be compared.
        guard let id = String(validating: idBytes, as: UTF8.self) else { throw .tampered(path: path, chunk: nil) }
        let wrappedLength = try take(2)
        let wrapped = try take(Int(wrappedLength[0]) << 8 | Int(wrappedLength[1]))
        let size = try take(4)
        let chunkSize = UInt32(size[0]) << 24 | UInt32(size[1]) << 16 | UInt32(size[2]) << 8 | UInt32(size[3])
        // Bounded so that a changed size cannot make the reader allocate gigabytes.
        guard chunkSize > 0, chunkSize <= maximumChunkSize else { throw .tampered(path: path, chunk: nil) }
        return SealedObjectHeader(wrappedKey: WrappedKey(keyID: id, bytes: wrapped), chunkSize: chunkSize, noncePrefix: try take(8))
    }
}
