import ArgumentParser
import DICOM
import Deidentify
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct DeidentifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deidentify",
        abstract: "Write de-identified copies of DICOM files, and folders recursively, into --out (PS3.15 Annex E).",
        discussion: """
            The Basic Application Level Confidentiality Profile, with the options given to --options \
            (comma-separated): \(DeidentificationOption.allCases.map(\.rawValue).joined(separator: ", ")). \
            UIDs, Patient IDs and date shifts are derived from the project key (HMAC-SHA256), so runs with \
            the same key agree: studies of one patient share the new Patient ID and date shift. Each copy \
            is named after its new SOP Instance UID. Objects with Burned In Annotation YES are refused \
            unless cleanPixelData is given. Exit status: 0 when every file was written, 1 when some \
            were refused, 2 when nothing could start (options, key file, output folder).
            """)

    @Option(help: "The folder to write the de-identified files into (created when missing).")
    var out: String

    @Option(help: "Comma-separated profile options, for instance retainUIDs,retainLongitudinalModifiedDates.")
    var options = ""

    @Option(help: "The project key: 64 hex digits (32 bytes). Keep it secret; the same key gives the same pseudonyms.")
    var keyFile: String

    @Flag(help: "Create the key file with a new random key first (refused when it exists).")
    var newKey = false

    @Option(help: "How many files to de-identify at once (default: the number of cores).")
    var jobs = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "No progress on standard error.")
    var quiet = false

    @Argument(help: "Part 10 files, or folders searched recursively (none: only create the key with --new-key).")
    var paths: [String] = []

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard !paths.isEmpty || newKey else { throw ValidationError("name the files or folders to de-identify") }
        do {
            _ = try ConfidentialityProfile(options: DeidentificationOption.parseList(options))
        } catch {
            throw ValidationError(String(describing: error))
        }
    }

    func run() async throws {
        let deidentifier: Deidentifier
        do {
            let key = try newKey ? ProjectKeyFile.create(keyFile) : ProjectKeyFile.read(keyFile)
            deidentifier = try Deidentifier(key: key, options: DeidentificationOption.parseList(options))
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        } catch {
            standardError("rampart: \(oneLine(error))")
            throw ExitCode(2)
        }

        var summary = DeidentificationSummary()
        var progress = ImportProgress(quiet: quiet, verb: "de-identified")
        progress.scanning()
        let files = FileTree.regularFiles(under: paths)
        let clock = ContinuousClock()
        let start = clock.now
        progress.begin(total: files.count, at: start)
        let (jobs, out) = (self.jobs, self.out)
        await withTaskGroup(of: DeidentifiedFile.self) { group in
            for path in files.prefix(jobs) {
                group.addTask { DeidentifiedFile(path, by: deidentifier, into: out) }
            }
            var next = min(jobs, files.count)
            var done = 0
            while let file = await group.next() {
                summary.record(file)
                done += 1
                progress.update(done: done, at: clock.now)
                if next < files.count {
                    let path = files[next]
                    next += 1
                    group.addTask { DeidentifiedFile(path, by: deidentifier, into: out) }
                }
            }
        }
        progress.finish()

        let output = standardOutput()
        for line in summary.lines(elapsed: clock.now - start) { output.writeLine(line) }
        if summary.refused > 0 { throw ExitCode(1) }
    }
}

/// One file of a run: the de-identified copy written under its new SOP Instance UID, or why not.
struct DeidentifiedFile: Sendable {
    let path: String
    let failure: String?

    init(_ path: String, by deidentifier: Deidentifier, into folder: String) {
        self.path = path
        do {
            let file = try deidentifier.deidentify(try DICOMFile(contentsOf: path))
            guard let uid = file.dataSet.string(.sopInstanceUID), !uid.isEmpty else {
                failure = "no SOP Instance UID (0008,0018) to name the copy after"
                return
            }
            try file.write(toPath: folder + "/" + uid + ".dcm", durable: true)
            failure = nil
        } catch {
            failure = oneLine(error)
        }
    }
}
