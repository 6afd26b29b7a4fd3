import Foundation
import GRDB

/// A copy of an archive's index taken while a server may be using the archive: SQLite's online
/// backup copies the database as of one transaction, so the copy is consistent however many
/// stores and deletes run meanwhile. It takes no archive lock (WAL readers do not block the
/// writer), which is what makes `rampart backup` an online backup.
public enum IndexSnapshot {
    /// One archived file as the copied index names it.
    public struct Entry: Sendable, Hashable {
        /// Relative to the blob folder (`archive/blobs`).
        public var blobPath: String
        public var size: Int
        /// Nil for objects archived before hashes were kept: the backup computes it.
        public var sha256: String?
    }

    /// Copies the index of the archive in `archiveDirectory` to `destination` (a new file) and
    /// returns the files that copy indexes.
    public static func copy(archiveDirectory: String, to destination: String) throws(ArchiveError) -> [Entry] {
        let source = archiveDirectory + "/index.sqlite"
        guard FileManager.default.fileExists(atPath: source) else {
            throw .index(operation: "be copied", underlying: "\(source) does not exist: is \(archiveDirectory) an archive?")
        }
        do {
            var configuration = Configuration()
            configuration.readonly = true
            // The running server may be checkpointing its WAL: wait for it.
            configuration.busyMode = .timeout(SQLiteIndexDatabase.lockWait)
            let reader = try DatabasePool(path: source, configuration: configuration)
            let copy = try DatabaseQueue(path: destination)
            try reader.backup(to: copy)
            return try entries(copy)
        } catch {
            throw .index(operation: "be copied to \(destination)", underlying: "\(error)")
        }
    }

    /// The files an index names (a copy, or a restored archive's), read without opening the archive.
    public static func entries(ofIndexAt path: String) throws(ArchiveError) -> [Entry] {
        do {
            var configuration = Configuration()
            configuration.readonly = true
            return try entries(DatabaseQueue(path: path, configuration: configuration))
        } catch {
            throw .index(operation: "be read at \(path)", underlying: "\(error)")
        }
    }

    private static func entries(_ database: some DatabaseReader) throws -> [Entry] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT blobPath, size, sha256 FROM instance ORDER BY id").map {
                Entry(blobPath: $0["blobPath"], size: $0["size"], sha256: $0["sha256"])
            }
        }
    }
}
