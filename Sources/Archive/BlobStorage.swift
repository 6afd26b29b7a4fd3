import Foundation

/// Where the archive keeps its blobs, and how they are written, removed and read back: a local
/// folder (`BlobStore`), a local folder sealed at rest (`SealedBlobStore`), or an S3-compatible
/// object store, sealed or not (`ObjectStoreBlobStore`).
///
/// The archive calls these in a fixed order (rule 5, DESIGN.md "Storage"): `stage` outside its
/// actor, in parallel with other stores (the slow part: copy, seal, upload); `commit` inside the
/// actor, without suspending, just before the index transaction; `discard` when the object is
/// not filed after all. The blob path `commit` returns is what the index row keeps.
protocol BlobStorage: Sendable {
    /// Makes the Part 10 file at `source` durable with a zeroed preamble under a name nobody
    /// looks up yet. With `moving` the store may take the file over; `source` is never changed.
    func stage(file source: String, key: BlobKey, moving: Bool) async throws(BlobStoreError) -> StagedBlob

    /// Whether `stage` writes only to this machine's own disk (no upload): the archive may then
    /// stage a file while the gate still decides on it, and discard it if refused.
    var stagesLocally: Bool { get }

    /// Places a staged blob under its final name and returns that name (the index's blobPath).
    /// Durable when it returns. Runs inside the archive's actor: never suspends.
    func commit(_ staged: StagedBlob, key: BlobKey) throws(BlobStoreError) -> String

    /// Places several staged blobs, durable when it returns, each result in the order given:
    /// what stores filed together share the syncs (a local folder fsyncs each folder once).
    func commit(_ blobs: [(staged: StagedBlob, key: BlobKey)]) -> [Result<String, BlobStoreError>]

    /// Drops a staged blob that is not filed (the caller's own file stays).
    func discard(_ staged: StagedBlob) async

    /// Removes a blob that no index row names any more, from inside the archive's actor. A store
    /// whose next version of an object takes the same name (a local folder) removes it now,
    /// before another store may file there, and returns nil; one whose every version has its own
    /// name (an object store) returns the name, to `remove` once out of the actor.
    func removeOrDefer(_ blobPath: String) -> String?

    /// Removes a blob; a missing one is not an error.
    func remove(_ blobPath: String) async

    /// Whether the blob is there, without waiting on a network (storage commitment asks).
    func isPresent(_ blobPath: String) -> Bool

    /// The blob's Part 10 bytes as a local file (`LocalBlob`). `sha256`, the index's digest of
    /// the plaintext (nil for old rows), is what a copy fetched from elsewhere is checked against.
    func localBlob(_ blobPath: String, sha256: String?) async throws(BlobStoreError) -> LocalBlob

    /// Start-up recovery against the index: leftovers of interrupted writes and blobs without a
    /// row are removed; rows whose blob is gone are counted (the first few listed). More blobs
    /// without a row than `unindexedLimit` is `unindexedObjects`, and nothing is removed. The
    /// index is read a page at a time: it may hold millions of rows.
    func recover(index: ArchiveIndex) throws(ArchiveError) -> RecoveryReport

    /// The blobs written before `cutoff`, for a sweep to remove those no index row names. Empty
    /// for a local folder: start-up recovery has removed its orphans, under the archive's lock.
    func blobsWritten(before cutoff: Date) async throws(BlobStoreError) -> [String]

    /// Throws what keeps blobs from being written now: a local folder that cannot be written,
    /// an object store that does not answer or refuses the credentials (a readiness probe asks).
    func checkWritable() async throws(BlobStoreError)

    /// A local folder of this store: what `checkWritable` checks is writable and `storageUse`
    /// measures the free space of.
    var localFolder: String { get }

    /// Where the blobs are, for messages: a folder, or the object store's location.
    var location: String { get }
}

/// The most blobs without an index row that recovery or the object store's sweep removes. The
/// archive files at most `Archive.filingBatchLimit` objects at a time, so a crash leaves at most
/// two per object of one batch (its new blob, a replaced one) and a failed delete one more; many
/// more mean the index is the wrong one (empty, or another archive's), and removing them would
/// destroy the archive.
let unindexedLimit = 64

extension BlobStorage {
    /// The local folder may be written.
    func checkWritable() async throws(BlobStoreError) {
        guard access(localFolder, W_OK) == 0 else { throw .cannotWrite(path: localFolder, errno: errno) }
    }

    func commit(_ blobs: [(staged: StagedBlob, key: BlobKey)]) -> [Result<String, BlobStoreError>] {
        blobs.map { blob in Result { () throws(BlobStoreError) in try commit(blob.staged, key: blob.key) } }
    }
}
