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
            is named after its new SOP Instance UID. Objects with Burned In Annotation YES have the \
            --masks regions of their modality set to zero (native pixel data only: compressed is refused) \
            and then say Burned In Annotation NO; with no region for their modality they are refused \
            unless cleanPixelData is given. With --lookup, each copy's original Patient ID, Patient Name \
            and Study, Series and SOP Instance UIDs are appended to that file, sealed (AES-GCM) under a \
            key derived from the project key; rampart reidentify reads them back. Exit status: 0 when \
            every file was written, 1 when some were refused, 2 when nothing could start (options, key \
            file, masks, lookup file, output folder) or the lookup file could not be written.
            """)

    @Option(help: "The folder to write the de-identified files into (created when missing).")
    var out: String

    @Option(help: "Comma-separated profile options, for instance retainUIDs,retainLongitudinalModifiedDates.")
    var options = ""

    @Option(help: "The project key: 64 hex digits (32 bytes). Keep it secret; the same key gives the same pseudonyms.")
    var keyFile: String

    @Option(help: "Append each copy's original identifiers, encrypted under the project key, to this re-identification lookup file (created when missing).")
    var lookup: String?

    @Option(help: "A YAML or JSON list of regions blanked in objects with burned-in annotation, each with modality, x, y, width and height in pixels.")
    var masks: String?

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
        let lookupFile: LookupFileWriter?
        do {
            let key = try newKey ? ProjectKeyFile.create(keyFile) : ProjectKeyFile.read(keyFile)
            let masks = try self.masks.map { path in
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw DeidentificationError.malformedMasks("cannot read \(path)")
                }
                return try BurnedInAnnotationMasks(yaml: text)
            }
            deidentifier = try Deidentifier(
                key: key, options: DeidentificationOption.parseList(options), masks: masks ?? .none)
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            lookupFile = try lookup.map { try LookupFileWriter(path: $0, key: key) }
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
        var lookupFailure: (any Error)?
        await withTaskGroup(of: DeidentifiedFile.self) { group in
            for path in files.prefix(jobs) {
                group.addTask { DeidentifiedFile(path, by: deidentifier, into: out) }
            }
            var next = min(jobs, files.count)
            var done = 0
            while let file = await group.next() {
                summary.record(file)
                if let record = file.record, let lookupFile, lookupFailure == nil {
                    do { try lookupFile.append(record) } catch { lookupFailure = error }
                }
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
        if lookupFailure == nil, let lookupFile {
            do { try lookupFile.synchronize() } catch { lookupFailure = error }
        }

        let output = standardOutput()
        for line in summary.lines(elapsed: clock.now - start) { output.writeLine(line) }
        if let lookupFailure {
            standardError("rampart: \(oneLine(lookupFailure))")
            throw ExitCode(2)
        }
        if summary.refused > 0 { throw ExitCode(1) }
    }
}

/// One file of a run: the de-identified copy written under its new SOP Instance UID with what
/// re-identifies it, or why not.
struct DeidentifiedFile: Sendable {
    let path: String
    let failure: String?
    let record: ReidentificationRecord?

    init(_ path: String, by deidentifier: Deidentifier, into folder: String) {
        self.path = path
        do {
            let original = try DICOMFile(contentsOf: path)
            let file = try deidentifier.deidentify(original)
            guard let uid = file.dataSet.string(.sopInstanceUID), !uid.isEmpty else {
                failure = "no SOP Instance UID (0008,0018) to name the copy after"
                record = nil
                return
            }
            try file.write(toPath: folder + "/" + uid + ".dcm", durable: true)
            failure = nil
            record = ReidentificationRecord(original: original.dataSet, deidentified: file.dataSet)
        } catch {
            failure = oneLine(error)
            record = nil
        }
    }
}
