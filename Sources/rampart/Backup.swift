import ArgumentParser
import Audit
import Foundation
import RampartServer

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Take a snapshot of the data folder (archive, audit log, keys, configuration), online and incremental.",
        discussion: """
            Runs while rampart serve runs. Each snapshot is a folder of --to named by its UTC time, complete \
            on its own: objects the previous snapshot holds unchanged are hard links to it, so a snapshot \
            costs what changed. It is consistent: the index as of one transaction, the objects it names \
            checked against their hashes, the audit log copied after them. blobs.sha256 and files.sha256 \
            list every file's SHA-256 (sha256sum -c checks them); backup.json sums the snapshot up. \
            Restore one with rampart restore. The backup is recorded in the audit log (an Export event).
            """)

    @OptionGroup var data: DataDirectoryOption

    @Option(help: ArgumentHelp("The backup folder, on another disk (created if needed; hard links need one file system per folder).",
                               valueName: "folder"))
    var to: String

    @Flag(help: "No progress on standard error.")
    var quiet = false

    func run() throws {
        var progress = ImportProgress(quiet: quiet, verb: "backed up")
        let started = ContinuousClock.now
        let snapshot: DataFolderBackup.Snapshot
        do {
            snapshot = try DataFolderBackup(dataDirectory: data.dataDirectory, backupRoot: to).run { done, total in
                if done == 1 { progress.begin(total: total, at: .now) }
                progress.update(done: done, at: .now)
            }
            progress.finish()
            let manifest = snapshot.manifest
            try record(.export, "backup of the data folder to \(snapshot.path): \(manifest.instances) objects, "
                           + "\(manifest.auditRecords) audit records", path: snapshot.path)
        } catch {
            progress.finish()
            standardError("rampart: backup failed: \(error)")
            try? record(.export, "backup of the data folder to \(to) failed: \(error)", path: to, outcome: .seriousFailure)
            throw ExitCode(1)
        }
        let manifest = snapshot.manifest
        let seconds = Double((ContinuousClock.now - started).components.seconds) + Double((ContinuousClock.now - started).components.attoseconds) / 1e18
        print("backed up \(data.dataDirectory) to \(snapshot.path) in \(String(format: "%.1f", seconds)) s")
        print("  \(manifest.instances) objects (\(manifest.bytes) bytes): \(manifest.copiedBlobs) copied, \(manifest.linkedBlobs) linked to "
              + (manifest.previous ?? "no previous snapshot"))
        print("  audit log: \(manifest.auditRecords) records; \(manifest.files) other files (keys, certificates, configuration)")
    }

    private func record(_ kind: AuditEventKind, _ what: String, path: String, outcome: AuditOutcome = .success) throws {
        let audit = try AuditTrail(dataDirectory: data.dataDirectory)
        try audit.append(AuditTrail.operatorEvent(kind, outcome: outcome, subjects: [AuditSubject(.file, path)], reason: what))
        try audit.checkpoint()
    }
}

struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Restore a snapshot of rampart backup into a new data folder, checking every file and the audit log.",
        discussion: """
            Copies the snapshot into --data-dir (which must be empty or absent), each file checked against \
            the snapshot's SHA-256; then opens the archive (its recovery must find nothing to repair) and \
            verifies the audit log's chain and signatures with the restored key. Then run rampart serve \
            --data-dir on it. The restore is recorded in the restored audit log (an Import event).
            """)

    @Argument(help: ArgumentHelp("A snapshot: a folder of the backup folder (the newest with --latest).", valueName: "snapshot"))
    var snapshot: String

    @Flag(help: "SNAPSHOT is the backup folder: restore its newest snapshot.")
    var latest = false

    @OptionGroup var data: DataDirectoryOption

    @Flag(help: "No progress on standard error.")
    var quiet = false

    func run() throws {
        var progress = ImportProgress(quiet: quiet, verb: "restored")
        let source: String
        if latest {
            guard let newest = DataFolderBackup.latestSnapshot(in: snapshot) else {
                standardError("rampart: \(snapshot) holds no complete snapshot")
                throw ExitCode(1)
            }
            source = newest
        } else {
            source = snapshot
        }
        let summary: DataFolderRestore.Summary
        do {
            summary = try DataFolderRestore(snapshot: source, dataDirectory: data.dataDirectory).run { done, total in
                if done == 1 { progress.begin(total: total, at: .now) }
                progress.update(done: done, at: .now)
            }
            progress.finish()
            let audit = try AuditTrail(dataDirectory: data.dataDirectory)
            try audit.append(AuditTrail.operatorEvent(.import, subjects: [AuditSubject(.file, source)],
                                                      reason: "restored from the snapshot \(source) taken \(summary.manifest.created)"))
            try audit.checkpoint()
        } catch {
            progress.finish()
            standardError("rampart: restore failed: \(error)")
            throw ExitCode(1)
        }
        print("restored \(source) into \(data.dataDirectory)")
        print("  \(summary.instances) objects, each file matching its SHA-256; the archive opened with nothing to repair")
        print("  audit log: \(summary.auditRecords) records, chain and signatures verified")
        print("start it with: rampart serve --data-dir \(data.dataDirectory)")
    }
}
