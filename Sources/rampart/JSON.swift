import ArgumentParser
import DICOM

struct JSON: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "json",
        abstract: "Print a DICOM file's data set as DICOM JSON (PS3.18 F), bulk data inline in base64.")

    @OptionGroup var output: DataSetOutputOptions

    func run() throws {
        try output.write { dataSet, out in
            try DICOMJSONWriter(options: .init(pretty: output.pretty)).write(dataSet, to: &out)
        }
    }
}

struct XML: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xml",
        abstract: "Print a DICOM file's data set in the Native DICOM Model XML (PS3.19 A.1).")

    @OptionGroup var output: DataSetOutputOptions

    func run() throws {
        try output.write { dataSet, out in
            try DICOMXMLWriter(options: .init(pretty: output.pretty)).write(dataSet, to: &out)
        }
    }
}

/// What `json` and `xml` share: the file, and how to print its data set.
struct DataSetOutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Indent the output.")
    var pretty = false

    @Flag(name: .long, help: "Include the file meta information (group 0002).")
    var meta = false

    @Argument(help: "A DICOM Part 10 file.")
    var file: String

    /// Reads the file and streams its data set to standard output through `encode`; any failure is
    /// one line on standard error. Like DICOMweb metadata, group 0002 is left out unless asked for.
    func write(_ encode: (DataSet, inout FileSink) throws -> Void) throws {
        var out = standardOutput()
        do {
            let dicom = try DICOMFile(contentsOf: file)
            var dataSet = dicom.dataSet
            if meta { dicom.meta.forEach { dataSet.insert($0) } }
            try encode(dataSet, &out)
            try out.write([0x0A])
            try out.flush()
        } catch {
            try? out.flush()
            throw reportFailure(file, error)
        }
    }
}
