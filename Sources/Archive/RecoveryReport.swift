/// What start-up recovery found and did (DESIGN.md "Storage").
public struct RecoveryReport: Sendable, Hashable {
    /// Blobs with no index row (a crash between blob write and index commit, or after a
    /// delete's commit): removed. Paths relative to the blob root.
    public var removedOrphans: [String] = []
    /// Temporary files of interrupted writes: removed.
    public var removedTemporaryFiles: [String] = []
    /// Index rows whose blob is gone (removed behind the archive's back, or a lost disk): kept,
    /// and listed here for an operator to restore the files from a backup or delete the rows.
    public var missingBlobs: [StoredInstance] = []

    public var isClean: Bool { removedOrphans.isEmpty && removedTemporaryFiles.isEmpty && missingBlobs.isEmpty }
}

extension RecoveryReport: CustomStringConvertible {
    /// One line for the operator (counts only: the paths name UIDs, which stay out of logs).
    public var description: String {
        "recovery: removed \(removedOrphans.count) unindexed blobs and \(removedTemporaryFiles.count) temporary files; \(missingBlobs.count) indexed instances have no blob"
    }
}
