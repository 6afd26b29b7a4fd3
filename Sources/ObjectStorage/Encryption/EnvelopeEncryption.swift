#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto
import Foundation

/// Encryption at rest: each object sealed with its own fresh data key (AES-256-GCM), the data
/// key wrapped by a key provider's key, so that a copied disk or bucket holds nothing readable
/// and a key can be rotated by rewrapping data keys, not re-encrypting objects.
///
/// A sealed object is a header (`SealedObjectHeader`) and then chunks: each chunk of the
/// plaintext (`chunkSize` bytes, the last shorter, possibly empty) is sealed on its own with
/// nonce = the header's random 8-byte prefix ‖ the chunk index (UInt32, big-endian), and
/// associated data = SHA-256 of the header ‖ the chunk index (UInt64) ‖ a final flag. So chunks
/// cannot be reordered, dropped from the end, or moved under another header; and because the
/// final chunk is always shorter than `chunkSize`, a cut at a chunk boundary is caught too. (The
/// shape of Tink's streaming AEAD and age's STREAM, on plain AES-GCM.)
///
/// Memory is bounded by one chunk whatever the object's size.
public struct EnvelopeEncryption: Sendable {
    public let keys: any KeyProvider
    public let chunkSize: Int

    public init(keys: any KeyProvider, chunkSize: Int = 1 << 20) {
        self.keys = keys
        // At least one byte per chunk; at most what a reader accepts.
        self.chunkSize = min(max(chunkSize, 1), Int(SealedObjectHeader.maximumChunkSize))
    }

    /// Seals the file at `source` into a new file at `destination` (mode 0600, fsynced).
    public func seal(file source: String, to destination: String) async throws(EncryptionError) {
        let dataKey = SymmetricKey(size: .bits256)
        let wrapped = try await keys.wrap(dataKey)
        var prefix = [UInt8](repeating: 0, count: 8)
        for index in prefix.indices { prefix[index] = UInt8.random(in: 0...255) }
        let header = SealedObjectHeader(wrappedKey: wrapped, chunkSize: UInt32(chunkSize), noncePrefix: prefix)
        let headerBytes = header.encoded()
        let headerDigest = Array(SHA256.hash(data: headerBytes))

        let input = try ChunkFile(reading: source)
        let output = try ChunkFile(writing: destination)
        var succeeded = false
        defer {
            output.close()
            if !succeeded { unlink(destination) }
        }
        try output.write(headerBytes)
        var index: UInt64 = 0
        while true {
            let plain = try input.read(upTo: chunkSize)
            let final = plain.count < chunkSize
            try output.write(try Self.sealChunk(plain, key: dataKey, header: header, headerDigest: headerDigest, index: index, final: final))
            if final { break }
            index += 1
        }
        try output.sync()
        succeeded = true
    }

    /// Opens the sealed file at `source` into a new file at `destination` (mode 0600, fsynced).
    /// Any change to the sealed bytes, a cut, or the wrong key throws, and leaves no
    /// destination file.
    public func open(file source: String, to destination: String) async throws(EncryptionError) {
        let input = try ChunkFile(reading: source)
        let header = try SealedObjectHeader.read(from: input, path: source)
        let headerDigest = Array(SHA256.hash(data: header.encoded()))
        let dataKey: SymmetricKey
        do {
            dataKey = try await keys.unwrap(header.wrappedKey)
        } catch .tampered {
            throw .tampered(path: source, chunk: nil)
        }
        let output = try ChunkFile(writing: destination)
        var succeeded = false
        defer {
            output.close()
            if !succeeded { unlink(destination) }
        }
        let sealedChunk = Int(header.chunkSize) + 16
        var index: UInt64 = 0
        while true {
            let sealed = try input.read(upTo: sealedChunk)
            // A full-size chunk is never the last one; an empty read means the last one is gone.
            let final = sealed.count < sealedChunk
            guard sealed.count >= 16 else { throw .truncated(path: source) }
            guard let plain = Self.openChunk(sealed, key: dataKey, header: header, headerDigest: headerDigest, index: index, final: final) else {
                throw .tampered(path: source, chunk: Int(index))
            }
            try output.write(plain)
            if final { break }
            index += 1
        }
        try output.sync()
        succeeded = true
    }

    static func nonce(_ header: SealedObjectHeader, index: UInt64) -> AES.GCM.Nonce {
        let counter = UInt32(truncatingIfNeeded: index)
        let bytes = header.noncePrefix + [UInt8(counter >> 24), UInt8(counter >> 16 & 0xFF), UInt8(counter >> 8 & 0xFF), UInt8(counter & 0xFF)]
        return try! AES.GCM.Nonce(data: bytes)  // 12 bytes by construction: 8 + 4.
    }

    static func associatedData(headerDigest: [UInt8], index: UInt64, final: Bool) -> [UInt8] {
        var data = headerDigest
        for shift in stride(from: 56, through: 0, by: -8) { data.append(UInt8(index >> UInt64(shift) & 0xFF)) }
        data.append(final ? 1 : 0)
        return data
    }

    private static func sealChunk(_ plain: [UInt8], key: SymmetricKey, header: SealedObjectHeader, headerDigest: [UInt8], index: UInt64, final: Bool) throws(EncryptionError) -> [UInt8] {
        // The nonce counter is 32 bits: past it, nonces would repeat under one data key.
        guard index <= UInt64(UInt32.max) else { throw .keyProvider("object too large for one sealed object (over 2^32 chunks)") }
        do {
            let box = try AES.GCM.seal(plain, using: key, nonce: nonce(header, index: index), authenticating: associatedData(headerDigest: headerDigest, index: index, final: final))
            return Array(box.ciphertext) + Array(box.tag)
        } catch {
            throw .keyProvider("AES-GCM could not seal chunk \(index): \(error)")
        }
    }

    private static func openChunk(_ sealed: [UInt8], key: SymmetricKey, header: SealedObjectHeader, headerDigest: [UInt8], index: UInt64, final: Bool) -> [UInt8]? {
        guard index <= UInt64(UInt32.max),
              let box = try? AES.GCM.SealedBox(nonce: nonce(header, index: index), ciphertext: sealed.dropLast(16), tag: sealed.suffix(16)),
              let plain = try? AES.GCM.open(box, using: key, authenticating: associatedData(headerDigest: headerDigest, index: index, final: final))
        else { return nil }
        return Array(plain)
    }
}
