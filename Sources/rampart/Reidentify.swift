import ArgumentParser
import Deidentify
import Foundation

struct ReidentifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reidentify",
        abstract: "Print the original identifiers behind de-identified objects, from a lookup file of rampart deidentify --lookup.",
        discussion: """
            Opens the lookup file with the project key it was sealed under and prints, one line per \
            object (tab-separated, with a header), the original Patient ID, Patient Name and Study, \
            Series and SOP Instance UIDs of the objects whose new Patient ID is --patient-id, or whose \
            new Study, Series or SOP Instance UID is --uid (every object when neither is given). The \
            output identifies patients: it is for those authorized to re-identify. Exit status: 0 \
            when something was found, 1 when nothing matched, 2 when the file or key cannot be read.
            """)

    @Option(help: "The re-identification lookup file written by rampart deidentify --lookup.")
    var lookup: String

    @Option(help: "The project key file the lookup file was written with.")
    var keyFile: String

    @Option(help: "The new (pseudonymous) Patient ID to look up.")
    var patientID: String?

    @Option(help: "A new Study, Series or SOP Instance UID to look up.")
    var uid: String?

    func validate() throws {
        guard patientID == nil || uid == nil else { throw ValidationError("give --patient-id or --uid, not both") }
    }

    func run() throws {
        let records: [ReidentificationRecord]
        guard let text = try? String(contentsOfFile: lookup, encoding: .utf8) else {
            standardError("rampart: cannot read the lookup file \(lookup): give the path that rampart deidentify --lookup wrote")
            throw ExitCode(2)
        }
        do {
            let key = try ProjectKeyFile.read(keyFile)
            records = try ReidentificationLookup(projectKey: key).open(text, path: lookup)
        } catch {
            standardError("rampart: \(oneLine(error))")
            throw ExitCode(2)
        }
        let matching = records.filter { record in
            if let patientID { return record.patientID.replacement == patientID }
            if let uid { return record.hasReplacementUID(uid) }
            return true
        }
        guard !matching.isEmpty else {
            standardError("rampart: no object in \(lookup) has that new \(patientID != nil ? "Patient ID" : "UID")")
            throw ExitCode(1)
        }
        let output = standardOutput()
        output.writeLine(["Patient ID", "Patient Name", "Study Instance UID", "Series Instance UID", "SOP Instance UID"].joined(separator: "\t"))
        // An object de-identified twice is in the file twice; print it once.
        var printed = Set<String>()
        for record in matching {
            let line = [record.patientID, record.patientName, record.studyInstanceUID, record.seriesInstanceUID, record.sopInstanceUID]
                .map(\.original).joined(separator: "\t")
            if printed.insert(line).inserted { output.writeLine(line) }
        }
    }
}
