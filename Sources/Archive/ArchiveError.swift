#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Access
import DICOM

/// Why an archive operation failed as a whole (a refused object is a `StoreOutcome.rejected`).
public enum ArchiveError: Error, Sendable, CustomStringConvertible {
    /// The grant is for another action: a grant to query does not allow a store (DESIGN.md rule 1).
    case wrongGrant(required: AccessAction, granted: AccessAction)
    case invalidUID(InvalidUID)
    case blobStore(BlobStoreError)
    /// The index database could not be opened, migrated, read or written.
    case index(operation: String, underlying: String)
    /// The PostgreSQL index could not be reached, opened, read or written.
    case indexServer(operation: String, underlying: String)
    /// An index row's stored attributes cannot be decoded.
    case corruptIndexRow(table: String, rowID: Int64, underlying: String)
    /// Another process holds the archive's lock (`ArchiveLock`); `holder` is its process ID.
    case inUse(directory: String, holder: Int32?)
    /// The lock file could not be opened, locked or written.
    case cannotLock(path: String, errno: Int32)

    public var description: String {
        switch self {
        case let .wrongGrant(required, granted):
            "this operation needs a grant for \(required.rawValue), but the grant is for \(granted.rawValue): ask the gate for the right action"
        case .invalidUID(let problem):
            "\(problem)"
        case .blobStore(let problem):
            "\(problem)"
        case let .index(operation, underlying):
            "the archive index could not \(operation): \(underlying); check the disk and that only one Rampart process opens this archive directory"
        case let .indexServer(operation, underlying):
            "the archive index on PostgreSQL could not \(operation): \(underlying); check that the database server runs and is reachable from this host, and the user, password and TLS settings of archive.index"
        case let .corruptIndexRow(table, rowID, underlying):
            "row \(rowID) of index table \(table) holds attributes that cannot be decoded (\(underlying)); re-import the object or restore the index from a backup"
        case let .inUse(directory, holder):
            "the archive in \(directory) is open by another rampart process\(holder.map { " (pid \($0))" } ?? ""), and one process at a time may open it: wait for it to end or stop it; to add files to a running rampart serve, send them over DICOM with rampart store"
        case let .cannotLock(path, code):
            "cannot lock \(path): \(String(cString: strerror(code))); check that the archive directory is writable by the Rampart user"
        }
    }
}
