#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ObjectStorage

/// Encryption at rest of every blob (`archive.encryption_key_file`): each sealed with its own
/// data key under the key file's key (`EnvelopeEncryption`, AES-256-GCM), so a copied disk or
/// bucket holds no readable patient data. Knows its key file, so that a blob the key cannot
/// open is reported with the file to check.
public struct BlobSealing: Sendable {
    /// The key file (made by `rampart object-store create-key`).
    public let keyFile: String
    let encryption: EnvelopeEncryption

    /// Reads the key file; refuses a missing one, one others may read, or one of the wrong size.
    public init(keyFile: String) throws(BlobStoreError) {
        do {
            self.init(keyFile: keyFile, keys: try KeyFileProvider(path: keyFile))
        } catch {
            throw .keyFile(error)
        }
    }

    /// Seals with `keys`, reported as `keyFile` (tests; keys held by other means).
    public init(keyFile: String, keys: any KeyProvider) {
        self.keyFile = keyFile
        encryption = EnvelopeEncryption(keys: keys)
    }

    /// Seals the Part 10 file at `source` with its preamble zeroed into a new file at
    /// `destination`; returns the size and SHA-256 of the plaintext as filed (what the index
    /// keeps, so integrity checks compare plaintexts whatever the sealing). A file whose preamble
    /// is not zero yet is zeroed in a memory copy first, not on the disk.
    func sealPart10(_ source: String, to destination: String) async throws(BlobStoreError) -> (size: Int, sha256: String) {
        if try BlobStore.hasZeroPreamble(source) {
            let plain = try BlobStore.digest(of: source)
            try await seal(source, to: destination)
            return plain
        }
        let copy = try MemoryFile.create()
        defer { close(copy) }
        let plain = try BlobStore.copyZeroingPreamble(from: source, to: copy, named: "a memory copy of \(source)")
        try await seal("/proc/self/fd/\(copy)", to: destination)
        return plain
    }

    /// Seals the plaintext file at `source` into a new file at `destination` (mode 0600, fsynced).
    func seal(_ source: String, to destination: String) async throws(BlobStoreError) {
        do {
            try await encryption.seal(file: source, to: destination)
        } catch {
            throw .cannotSeal(path: source, keyFile: keyFile, error)
        }
    }

    /// The plaintext of the sealed file at `source` in a new memory file (`MemoryFile`).
    func openInMemory(_ source: String, blobPath: String) async throws(BlobStoreError) -> LocalBlob {
        let blob = LocalBlob(descriptor: try MemoryFile.create())
        do {
            try await encryption.open(file: source, to: blob.path)
        } catch {
            blob.release()
            throw .cannotUnseal(blobPath: blobPath, keyFile: keyFile, error)
        }
        return blob
    }
}
