import ArgumentParser
import DICOM

struct JSON: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "json",
        abstract: "Print a DICOM file's data set as DICOM JSON (PS3.18 F), bulk data inline in base64.")

    @Flag(name: .long, help: "Indent the output.")
    var pretty = false

    @Flag(name: .long, help: "Include the file meta information (group 0002).")
    var meta = false

    @Argument(help: "A DICOM Part 10 file.")
    var file: String

    func run() throws {
        try writeDataSet(of: file, includeMeta: meta) { dataSet, out in
            try DICOMJSONWriter(options: .init(pretty: pretty)).write(dataSet, to: &out)
        }
    }
}

struct XML: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xml",
        abstract: "Print a DICOM file's data set in the Native DICOM Model XML (PS3.19 A.1).")

    @Flag(name: .long, help: "Indent the output.")
    var pretty = false

    @Flag(name: .long, help: "Include the file meta information (group 0002).")
    var meta = false

    @Argument(help: "A DICOM Part 10 file.")
    var file: String

    func run() throws {
        try writeDataSet(of: file, includeMeta: meta) { dataSet, out in
            try DICOMXMLWriter(options: .init(pretty: pretty)).write(dataSet, to: &out)
        }
    }
}

/// Reads a file and streams its data set to standard output through `write`; any failure is one
/// line on standard error. Like DICOMweb metadata, group 0002 is left out unless asked for.
private func writeDataSet(of path: String, includeMeta: Bool, _ write: (DataSet, inout FileSink) throws -> Void) throws {
    var out = standardOutput()
    do {
        let file = try DICOMFile(contentsOf: path)
        var dataSet = file.dataSet
        if includeMeta { file.meta.forEach { dataSet.insert($0) } }
        try write(dataSet, &out)
        try out.write([0x0A])
        try out.flush()
    } catch {
        try? out.flush()
        throw reportFailure(path, error)
    }
}
