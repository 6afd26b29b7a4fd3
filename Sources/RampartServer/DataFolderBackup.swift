#if canImport(Glibc)
import Glibc
#endif
import Archive
import Audit
import Foundation

/// `rampart backup`: a snapshot of a data folder, taken while `rampart serve` runs on it.
///
/// A snapshot is a folder of the backup root named by its UTC time (`20261124T194500.123Z`) that is
/// a data folder itself: `rampart restore` copies it back, or `rampart serve --data-dir` runs on
/// a copy of it. What makes it consistent though the server goes on storing and auditing:
/// - the index is copied first, as of one SQLite transaction, and the blobs it names are copied
///   after it and checked against the hashes it records; a blob replaced or deleted between the
///   two fails its check, and the index is copied again (up to three times);
/// - the audit log is copied after the index, as of one transaction: every object the index
///   copy holds had its decision recorded before it was filed, so its record is in the copy;
/// - keys, certificates and configuration are copied as they are (the server does not write
///   them; the command line's changes are atomic renames).
///
/// Incremental: a blob the previous snapshot holds with the same hash is hard-linked to it, not
/// copied, so each snapshot is complete on its own and costs only what changed. A snapshot is
/// written under `.partial-NAME` and renamed when complete: an interrupted backup leaves no
/// snapshot that looks whole (the next backup removes it). Each snapshot lists the SHA-256 of
/// its files in `blobs.sha256` and `files.sha256` (`sha256sum -c` reads them) and sums itself up
/// in `backup.json`, written last.
public struct DataFolderBackup: Sendable {
    public let dataDirectory: String
    public let backupRoot: String

    static let manifestName = "backup.json"
    static let blobListName = "blobs.sha256"
    static let fileListName = "files.sha256"
    static let blobFolder = "archive/blobs"
    static let indexPath = "archive/index.sqlite"
    static let attempts = 3

    public init(dataDirectory: String, backupRoot: String) {
        self.dataDirectory = dataDirectory
        self.backupRoot = backupRoot
    }

    /// What `backup.json` says of a snapshot.
    public struct Manifest: Codable, Sendable, Hashable {
        public var format = 1
        public var created: Date
        public var rampartVersion: String
        public var instances: Int
        public var bytes: Int
        public var auditRecords: UInt64
        /// Blobs copied into this snapshot, and hard-linked to the previous one.
        public var copiedBlobs: Int
        public var linkedBlobs: Int
        /// The snapshot this one links to; nil for a full one.
        public var previous: String?
        /// Other files: keys, certificates, configuration, accounts, audit export cursors.
        public var files: Int
    }

    public struct Snapshot: Sendable {
        public var path: String
        public var manifest: Manifest
    }

    /// Takes a snapshot; `progress` is told of each blob copied or linked (done, total).
    public func run(now: Date = Date(), progress: (Int, Int) -> Void = { _, _ in }) throws(BackupError) -> Snapshot {
        let settings = try? ConfigurationFile(dataDirectory: dataDirectory).load().archive
        // A PostgreSQL index is the database's to back up, consistently with its own tools.
        if let index = settings?.index {
            throw BackupError("the index is on PostgreSQL (archive.index: \((try? PostgresIndexLocation(url: index, password: nil))?.description ?? "a postgres URL")): "
                              + "back it up with pg_dump or base backups, as docs/scaling.md (\"Backing up a scaled-out archive\") describes; "
                              + "rampart backup copies the embedded index only")
        }
        // So are the objects of an object store: its versioning or replication keeps them.
        if settings?.blobs != nil {
            throw BackupError("the blobs are in an object store (archive.blobs): back up the bucket with its versioning or replication, "
                              + "as docs/scaling.md (\"Backing up a scaled-out archive\") describes; rampart backup copies the local blob folder only")
        }
        guard FileManager.default.fileExists(atPath: dataDirectory + "/" + Self.indexPath) else {
            throw BackupError("\(dataDirectory) holds no archive (no \(Self.indexPath)): is it the data folder (--data-dir)?")
        }
        try BackupFiles.makeFolder(backupRoot)
        let name = Self.snapshotName(now)
        let final = backupRoot + "/" + name
        guard !FileManager.default.fileExists(atPath: final) else {
            throw BackupError("\(final) exists already: another backup started in the same millisecond")
        }
        for stale in (try? FileManager.default.contentsOfDirectory(atPath: backupRoot)) ?? [] where stale.hasPrefix(".partial-") {
            try? FileManager.default.removeItem(atPath: backupRoot + "/" + stale)
        }
        let previous = Self.latestSnapshot(in: backupRoot)
        let previousBlobs = try previous.map { path throws(BackupError) in try BackupFiles.readList(path + "/" + Self.blobListName) } ?? [:]
        let partial = backupRoot + "/.partial-" + name
        try BackupFiles.makeFolder(partial + "/" + Self.blobFolder)
        try BackupFiles.makeFolder(partial + "/audit")

        let blobs = try copyBlobs(into: partial, previous: previous, previousBlobs: previousBlobs, progress: progress)
        // After the index: the decisions of everything it holds are in this copy.
        let auditRecords: UInt64
        do {
            let store = try AuditStore(path: dataDirectory + "/" + AuditTrail.relativePath, signingKey: nil)
            auditRecords = try store.copy(to: partial + "/" + AuditTrail.relativePath)
        } catch {
            throw BackupError("the audit log could not be copied: \(error)")
        }
        var files = try copyOtherFiles(into: partial)
        for database in [Self.indexPath, AuditTrail.relativePath] {
            chmod(partial + "/" + database, 0o600)
            files[database] = try BackupFiles.hash(partial + "/" + database)
        }
        try BackupFiles.writeList(blobs.hashes, to: partial + "/" + Self.blobListName)
        try BackupFiles.writeList(files, to: partial + "/" + Self.fileListName)
        let manifest = Manifest(created: now, rampartVersion: RampartServer.version, instances: blobs.hashes.count, bytes: blobs.bytes,
                                auditRecords: auditRecords, copiedBlobs: blobs.copied, linkedBlobs: blobs.linked,
                                previous: previous.map { ($0 as NSString).lastPathComponent }, files: files.count - 2)
        try BackupFiles.writeFile(try Self.encode(manifest), to: partial + "/" + Self.manifestName)
        BackupFiles.syncFolder(partial)
        guard rename(partial, final) == 0 else {
            throw BackupError("cannot rename \(partial) to \(final): \(String(cString: strerror(errno)))")
        }
        BackupFiles.syncFolder(backupRoot)
        return Snapshot(path: final, manifest: manifest)
    }

    private struct CopiedBlobs {
        var hashes: [String: String] = [:]
        var bytes = 0
        var copied = 0
        var linked = 0
    }

    /// Copies the index, then the blobs it names; again from a new copy of the index when a blob
    /// changed or went in between.
    private func copyBlobs(into partial: String, previous: String?, previousBlobs: [String: String],
                           progress: (Int, Int) -> Void) throws(BackupError) -> CopiedBlobs {
        var copiedBlobs = CopiedBlobs()
        var folders: Set<String> = []
        for attempt in 1...Self.attempts {
            let indexCopy = partial + "/" + Self.indexPath
            unlink(indexCopy)
            let entries: [IndexSnapshot.Entry]
            do {
                // Sealed blobs (archive.encryption_key_file) are copied sealed: the index's hash is
                // the plaintext's, so each file's own hash is taken as it is copied.
                let sealed = (try? ConfigurationFile(dataDirectory: dataDirectory).load().archive.encryptionKeyFile) != nil
                entries = try IndexSnapshot.copy(archiveDirectory: dataDirectory + "/archive", to: indexCopy).map { entry in
                    var copied = entry
                    if sealed { copied.sha256 = nil }
                    return copied
                }
            } catch {
                throw BackupError("the archive's index could not be copied: \(error)")
            }
            var changed: [String] = []
            var hashes: [String: String] = [:]
            var bytes = 0
            for (done, entry) in entries.enumerated() {
                defer { progress(done + 1, entries.count) }
                let destination = partial + "/" + Self.blobFolder + "/" + entry.blobPath
                // Kept from an earlier attempt: the same file, if the hash is the same.
                if let kept = copiedBlobs.hashes[entry.blobPath], kept == entry.sha256 ?? kept {
                    hashes[entry.blobPath] = kept
                    bytes += entry.size
                    continue
                }
                let folder = (destination as NSString).deletingLastPathComponent
                if folders.insert(folder).inserted { try BackupFiles.makeFolder(folder) }
                unlink(destination)
                if let known = entry.sha256, previousBlobs[entry.blobPath] == known, let previous,
                   link(previous + "/" + Self.blobFolder + "/" + entry.blobPath, destination) == 0 {
                    copiedBlobs.linked += 1
                    hashes[entry.blobPath] = known
                    bytes += entry.size
                    continue
                }
                let source = dataDirectory + "/" + Self.blobFolder + "/" + entry.blobPath
                guard let hash = try BackupFiles.copy(source, to: destination), hash == entry.sha256 ?? hash else {
                    // Deleted or replaced since the index was copied.
                    unlink(destination)
                    changed.append(entry.blobPath)
                    continue
                }
                copiedBlobs.copied += 1
                hashes[entry.blobPath] = hash
                bytes += entry.size
            }
            // Files of an earlier attempt that this copy of the index no longer names.
            for stale in Set(copiedBlobs.hashes.keys).subtracting(hashes.keys) {
                unlink(partial + "/" + Self.blobFolder + "/" + stale)
            }
            copiedBlobs.hashes = hashes
            copiedBlobs.bytes = bytes
            if changed.isEmpty { return copiedBlobs }
            if attempt == Self.attempts {
                throw BackupError("\(changed.count) objects were replaced or deleted while they were being copied, \(Self.attempts) times "
                    + "in a row (the first: \(changed[0])): run the backup again at a quieter time")
            }
        }
        return copiedBlobs
    }

    /// Everything of the data folder but the archive, the audit log's database and the spool:
    /// keys, certificates, configuration, accounts, AE registry, audit export cursors.
    private func copyOtherFiles(into partial: String) throws(BackupError) -> [String: String] {
        var hashes: [String: String] = [:]
        for relative in BackupFiles.files(under: dataDirectory) where Self.isOtherFile(relative) {
            let destination = partial + "/" + relative
            try BackupFiles.makeFolder((destination as NSString).deletingLastPathComponent)
            if let hash = try BackupFiles.copy(dataDirectory + "/" + relative, to: destination) {
                hashes[relative] = hash
            }
        }
        return hashes
    }

    static func isOtherFile(_ relative: String) -> Bool {
        !(relative.hasPrefix("archive/") || relative.hasPrefix("spool/") || relative.hasPrefix(AuditTrail.relativePath)
            || relative.hasSuffix(".tmp"))
    }

    static func snapshotName(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss.SSS'Z'"
        return formatter.string(from: date)
    }

    /// The newest complete snapshot in `root` (one with its manifest).
    public static func latestSnapshot(in root: String) -> String? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.filter { !$0.hasPrefix(".") && FileManager.default.fileExists(atPath: root + "/" + $0 + "/" + manifestName) }
            .max().map { root + "/" + $0 }
    }

    static func encode(_ manifest: Manifest) throws(BackupError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        do {
            return try encoder.encode(manifest)
        } catch {
            throw BackupError("the manifest could not be written: \(error)")
        }
    }

    static func manifest(of snapshot: String) throws(BackupError) -> Manifest {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: snapshot + "/" + manifestName)))
        } catch {
            throw BackupError("\(snapshot) is not a complete Rampart snapshot (its \(manifestName) cannot be read: \(error))")
        }
    }
}

/// `rampart restore`: a snapshot copied into a new data folder, every file checked against the
/// snapshot's hashes as it is copied, then the archive opened (its start-up recovery must find
/// nothing to repair) and the audit log's chain and signatures verified with the restored key.
public struct DataFolderRestore: Sendable {
    public let snapshot: String
    public let dataDirectory: String

    public init(snapshot: String, dataDirectory: String) {
        self.snapshot = snapshot
        self.dataDirectory = dataDirectory
    }

    public struct Summary: Sendable {
        public var manifest: DataFolderBackup.Manifest
        public var instances: Int
        public var auditRecords: UInt64
        public var files: Int
    }

    public func run(progress: (Int, Int) -> Void = { _, _ in }) throws(BackupError) -> Summary {
        let manifest = try DataFolderBackup.manifest(of: snapshot)
        if let contents = try? FileManager.default.contentsOfDirectory(atPath: dataDirectory), !contents.isEmpty {
            throw BackupError("\(dataDirectory) is not empty: restore into a new folder, then point the server at it")
        }
        let blobs = try BackupFiles.readList(snapshot + "/" + DataFolderBackup.blobListName)
        let files = try BackupFiles.readList(snapshot + "/" + DataFolderBackup.fileListName)
        guard blobs.count == manifest.instances else {
            throw BackupError("\(snapshot) lists \(blobs.count) objects and its manifest \(manifest.instances): the snapshot is damaged")
        }
        try BackupFiles.makeFolder(dataDirectory)
        var folders: Set<String> = []
        let all = files.map { ($0.key, $0.value) } + blobs.map { (DataFolderBackup.blobFolder + "/" + $0.key, $0.value) }
        for (done, (relative, expected)) in all.enumerated() {
            let destination = dataDirectory + "/" + relative
            let folder = (destination as NSString).deletingLastPathComponent
            if folders.insert(folder).inserted { try BackupFiles.makeFolder(folder) }
            guard let hash = try BackupFiles.copy(snapshot + "/" + relative, to: destination) else {
                throw BackupError("\(snapshot)/\(relative) is missing: the snapshot is damaged; restore an earlier one")
            }
            guard hash == expected else {
                throw BackupError("\(snapshot)/\(relative) does not match its hash in the snapshot (sha256 \(hash), expected \(expected)): "
                    + "the snapshot is damaged; restore an earlier one")
            }
            progress(done + 1, all.count)
        }
        let instances: Int
        do {
            // Opening runs start-up recovery: it must find every indexed object and nothing else.
            let report = try Archive(directory: dataDirectory + "/archive").recoveryReport
            guard report.isClean else { throw BackupError("the restored archive needed repairs: \(report)") }
            instances = try IndexSnapshot.entries(ofIndexAt: dataDirectory + "/" + DataFolderBackup.indexPath).count
        } catch let error as BackupError {
            throw error
        } catch {
            throw BackupError("the restored archive cannot be opened: \(error)")
        }
        guard instances == manifest.instances else {
            throw BackupError("the restored index holds \(instances) objects, the snapshot \(manifest.instances)")
        }
        let auditRecords = try verifyAudit()
        guard auditRecords == manifest.auditRecords else {
            throw BackupError("the restored audit log holds \(auditRecords) records, the snapshot \(manifest.auditRecords)")
        }
        return Summary(manifest: manifest, instances: instances, auditRecords: auditRecords, files: files.count)
    }

    /// The restored audit log's chain and checkpoint signatures, with the restored public key.
    private func verifyAudit() throws(BackupError) -> UInt64 {
        do {
            guard let key = try AuditSigningKeyFile(dataDirectory: dataDirectory).load() else {
                throw BackupError("the snapshot has no audit signing key (keys/audit-signing.key): the restored audit log cannot be verified")
            }
            let store = try AuditStore(path: dataDirectory + "/" + AuditTrail.relativePath, signingKey: nil)
            let verification = try store.verify(with: key.publicKey)
            if let problem = verification.firstProblem {
                throw BackupError("the restored audit log does not verify: \(problem)")
            }
            return verification.records
        } catch let error as BackupError {
            throw error
        } catch {
            throw BackupError("the restored audit log cannot be read: \(error)")
        }
    }
}
