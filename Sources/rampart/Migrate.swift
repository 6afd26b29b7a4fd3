import ArgumentParser
import Archive
import Foundation
import RampartServer

/// `rampart migrate`: the embedded archive onto PostgreSQL and an object store (ArchiveMigration).
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the archive onto a PostgreSQL index and an S3-compatible object store (resumable, verified by SHA-256).",
        discussion: """
            Stop rampart serve first: the archive must not be open. Every instance is read from the archive as \
            rampart.yaml describes it and stored in the new back ends through their own store path; one the target \
            already holds with the same SHA-256 is skipped, so an interrupted run is finished by running it again. \
            Then each copy is read back from the object store and checked against its SHA-256. The index password \
            comes from RAMPART_INDEX_PASSWORD, the object store's keys from AWS_ACCESS_KEY_ID and \
            AWS_SECRET_ACCESS_KEY or --blobs-credentials-file. The archive itself is not changed: when the run ends \
            with no failure, set the printed archive.index and archive.blobs in rampart.yaml and start rampart serve.
            """)

    @OptionGroup var data: DataDirectoryOption
    @Option(help: "The PostgreSQL index: postgres://user@host:port/database[?schema=…&sslmode=…].") var to: String
    @Option(help: "The object store for the blobs: s3://bucket/prefix?endpoint=…&region=….") var blobs: String
    @Option(help: "A credentials file for the object store (instead of the environment).") var blobsCredentialsFile: String?
    @Option(help: "Seal the copies with this key file (default: archive.encryption_key_file, if any).") var encryptionKeyFile: String?
    @Flag(help: "Skip reading every copy back.") var noVerify = false

    func run() async throws {
        let folder = data.dataDirectory
        let source: Archive, target: Archive, settings: ServerConfiguration.ArchiveSettings
        do {
            let configuration = try data.configurationFile().load()
            guard configuration.archive.index == nil else {
                throw ServerSetupError("the archive's index is on PostgreSQL already (archive.index in rampart.yaml): rampart migrate copies an embedded archive")
            }
            let (sourceBlobs, sourceSealing) = try configuration.archive.blobStorage(dataDirectory: folder)
            source = try Archive(directory: folder + "/archive", index: .embedded, blobs: sourceBlobs, sealing: sourceSealing)
            settings = {
                var target = configuration.archive
                target.index = to
                target.blobs = blobs
                target.blobsCredentialsFile = blobsCredentialsFile
                if let encryptionKeyFile { target.encryptionKeyFile = encryptionKeyFile }
                return target
            }()
            let (targetBlobs, targetSealing) = try settings.blobStorage(dataDirectory: folder)
            // The target's lock and download cache, beside the archive (its blobs are in the object store).
            target = try Archive(directory: folder + "/archive-migration", index: try settings.indexLocation(dataDirectory: folder),
                                 blobs: targetBlobs, sealing: targetSealing)
        } catch {
            standardError("rampart: \(oneLine(error))")
            throw ExitCode(2)
        }
        let out = standardOutput()
        let report: ArchiveMigration.Report
        do {
            let read = try await localOperatorGrant(.retrieve, dataDirectory: folder)
            let store = try await localOperatorGrant(.store, dataDirectory: folder)
            var reported = ContinuousClock.now
            report = try await ArchiveMigration(from: source, to: target).run(read: read, store: store, verify: !noVerify) { done, total in
                // A line every 10 s, and at the end.
                guard done == total || ContinuousClock.now - reported > .seconds(10) else { return }
                reported = ContinuousClock.now
                out.writeLine("migrate: \(done) of \(total) instances")
            }
        } catch {
            standardError("rampart: \(oneLine(error))")
            throw ExitCode(2)
        }
        out.writeLine("migrate: copied \(report.copied), already there \(report.alreadyThere), "
                      + (noVerify ? "not verified" : "verified \(report.verified)") + ", failed \(report.failures.count)")
        for failure in report.failures.prefix(20) {
            standardError("rampart: migrate: \(failure.sopInstanceUID): \(failure.reason.split(separator: "\n").joined(separator: " "))")
        }
        guard report.failures.isEmpty else {
            standardError("rampart: migrate: \(report.failures.count) instances were not copied; run rampart migrate again once their cause is fixed")
            throw ExitCode(1)
        }
        out.writeLine("migrate: done. In rampart.yaml, under archive:")
        out.writeLine("  index: \(to)")
        out.writeLine("  blobs: \(blobs)")
        if let file = settings.blobsCredentialsFile { out.writeLine("  blobs_credentials_file: \(file)") }
        if let file = settings.encryptionKeyFile { out.writeLine("  encryption_key_file: \(file)") }
    }
}
