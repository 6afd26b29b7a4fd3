import Access
import Archive
import ArgumentParser
import DICOM
import Foundation
import RampartServer
#if canImport(Glibc)
import Glibc
#endif

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Copy DICOM files, and folders recursively, into the archive in --data-dir, several at once.",
        discussion: """
            The files are copied (never changed in place); what the archive already holds counts as a \
            duplicate. The summary on standard output gives accepted, duplicates and rejected files \
            (by reason, with example paths). Exit status: 0 when nothing was rejected, 1 when some \
            files were, 2 when the archive could not be opened (for instance while rampart serve has it).
            """)

    @OptionGroup var data: DataDirectoryOption

    @Option(help: "How many files to import at once (default: the number of cores).")
    var jobs = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "No progress on standard error.")
    var quiet = false

    @Argument(help: "Part 10 files, or folders searched recursively.")
    var paths: [String]

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }

    func run() async throws {
        let (archive, grant) = try await open()
        var summary = ImportSummary()
        var progress = ImportProgress(quiet: quiet)
        progress.scanning()
        for path in paths where !Self.exists(path) { summary.recordMissing(path) }
        let files = FileTree.regularFiles(under: paths)

        let clock = ContinuousClock()
        let start = clock.now
        progress.begin(total: files.count, at: start)
        let jobs = self.jobs
        await withTaskGroup(of: ImportedFile.self) { group in
            for path in files.prefix(jobs) {
                group.addTask { await ImportedFile(path, into: archive, grant: grant) }
            }
            var next = min(jobs, files.count)
            var done = 0
            while let file = await group.next() {
                switch file.outcome {
                case .success(let outcome): summary.record(outcome, path: file.path, bytes: file.bytes)
                case .failure(let error): summary.record(error, path: file.path, bytes: file.bytes)
                }
                done += 1
                progress.update(done: done, at: clock.now)
                if next < files.count {
                    let path = files[next]
                    next += 1
                    group.addTask { await ImportedFile(path, into: archive, grant: grant) }
                }
            }
        }
        progress.finish()

        let out = standardOutput()
        for line in summary.lines(elapsed: clock.now - start) { out.writeLine(line) }
        if summary.rejected > 0 { throw ExitCode(1) }
    }

    /// The archive, and the gate's grant for the local operator to store: one decision for the
    /// run, recorded in the data folder's audit log like every other. Exit 2 when either fails.
    private func open() async throws -> (Archive, Grant) {
        do {
            try DataFolder.ensure(data.dataDirectory)
            // The same duplicate policy and index as serve: rampart.yaml's archive section.
            let configuration = try data.configurationFile().load()
            let (blobs, sealing) = try configuration.archive.blobStorage(dataDirectory: data.dataDirectory)
            let archive = try Archive(directory: data.dataDirectory + "/archive", duplicatePolicy: configuration.archive.duplicates,
                                      index: configuration.archive.indexLocation(dataDirectory: data.dataDirectory),
                                      blobs: blobs, sealing: sealing)
            let recovery = archive.recoveryReport
            if !recovery.isClean {
                standardError("rampart: \(recovery)")
            }
            return (archive, try await localOperatorGrant(.store, dataDirectory: data.dataDirectory))
        } catch {
            standardError("rampart: \(oneLine(error))")
            throw ExitCode(2)
        }
    }

    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

}

/// One file of an import: what the archive made of it, and its size.
private struct ImportedFile: Sendable {
    let path: String
    let outcome: Result<StoreOutcome, ArchiveError>
    let bytes: Int

    init(_ path: String, into archive: Archive, grant: Grant) async {
        self.path = path
        var info = stat()
        bytes = stat(path, &info) == 0 ? Int(info.st_size) : 0
        do {
            outcome = .success(try await archive.store(file: path, moving: false, grant: grant))
        } catch {
            outcome = .failure(error)
        }
    }
}
