import Foundation

/// A local folder of sealed blobs (`archive.encryption_key_file` with `blobs: local`): laid
/// out, staged, committed and recovered as `BlobStore` does, but each file holds the object
/// sealed (`BlobSealing`), so a copied disk or backup holds no readable patient data.
///
/// Reading a blob decrypts it into memory (`MemoryFile`): an object of N bytes costs N bytes
/// of RAM while it is read, and its plaintext never lands on the data disk.
struct SealedBlobStore: BlobStorage {
    let folder: BlobStore
    let sealing: BlobSealing

    /// Seals the object (preamble zeroed) into a temporary file of the staging folder; the
    /// caller's file is never taken over, as the blob is a new (sealed) file anyway.
    func stage(file source: String, key: BlobKey, moving: Bool) async throws(BlobStoreError) -> StagedBlob {
        try BlobStore.makeFolder(folder.stagingFolder)
        let temporary = folder.temporaryPath(for: key)
        let (size, digest) = try await sealing.sealPart10(source, to: temporary)
        return StagedBlob(path: temporary, origin: .copy, size: size, sha256: digest)
    }

    var stagesLocally: Bool { true }

    func commit(_ staged: StagedBlob, key: BlobKey) throws(BlobStoreError) -> String {
        try folder.commit(staged, key: key)
    }

    func commit(_ blobs: [(staged: StagedBlob, key: BlobKey)]) -> [Result<String, BlobStoreError>] {
        folder.commit(blobs)
    }

    func discard(_ staged: StagedBlob) async { folder.discard(staged) }

    func removeOrDefer(_ blobPath: String) -> String? { folder.removeOrDefer(blobPath) }

    func remove(_ blobPath: String) async { folder.remove(blobPath) }

    func isPresent(_ blobPath: String) -> Bool { folder.exists(blobPath) }

    /// Its chunks are authenticated as they are opened: no digest to compute.
    func localBlob(_ blobPath: String, sha256: String?) async throws(BlobStoreError) -> LocalBlob {
        try await sealing.openInMemory(folder.absolutePath(blobPath), blobPath: blobPath)
    }

    func recover(index: ArchiveIndex) throws(ArchiveError) -> RecoveryReport {
        try folder.recover(index: index)
    }

    func blobsWritten(before cutoff: Date) -> [String] { [] }

    var localFolder: String { folder.root }

    var location: String { folder.root }
}
