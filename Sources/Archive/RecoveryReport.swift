/// What start-up recovery found and did (DESIGN.md "Storage").
public struct RecoveryReport: Sendable, Hashable {
    /// Blobs with no index row (a crash between blob write and index commit, or after a
    /// delete's commit): removed. Paths relative to the blob root.
    public var removedOrphans: [String] = []
    /// Temporary files of interrupted writes: removed.
    public var removedTemporaryFiles: [String] = []
    /// Index rows whose blob is gone (removed behind the archive's back, a lost disk, or rows
    /// filed without objects by `rampart index bulk-load`): kept, and the first
    /// `listedMissingBlobs` listed here for an operator to restore the files from a backup or
    /// delete the rows; `missingBlobCount` counts them all.
    public var missingBlobs: [StoredInstance] = []
    public var missingBlobCount = 0
    /// Enough to act on; a list of every row would hold a whole bulk-loaded index in memory.
    public static let listedMissingBlobs = 100

    public var isClean: Bool { removedOrphans.isEmpty && removedTemporaryFiles.isEmpty && missingBlobCount == 0 }
}

extension RecoveryReport: CustomStringConvertible {
    /// One line for the operator (counts only: the paths name UIDs, which stay out of logs).
    public var description: String {
        "recovery: removed \(removedOrphans.count) unindexed blobs and \(removedTemporaryFiles.count) temporary files; \(missingBlobCount) indexed instances have no blob"
    }
}
