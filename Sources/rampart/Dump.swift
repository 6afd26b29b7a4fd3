import ArgumentParser
import DICOM

struct Dump: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the data elements of DICOM files, one a line, like dcmdump.")

    @Flag(name: .long, help: "Show every value of long binary elements.")
    var all = false

    @Argument(help: "DICOM Part 10 files.")
    var files: [String]

    func run() throws {
        let out = standardOutput()
        let dumper = DataSetDumper(maximumValues: all ? Int.max : 64)
        var failed: ExitCode?
        for path in files {
            do {
                let file = try DICOMFile(contentsOf: path)
                if files.count > 1 { try out.write(Array("# \(path)\n".utf8)) }
                try out.write(Array("# File meta information\n".utf8))
                try dumper.dump(file.meta) { try out.write(Array(($0 + "\n").utf8)) }
                try out.write(Array("# Data set, \(file.transferSyntax.name)\n".utf8))
                try dumper.dump(file.dataSet) { try out.write(Array(($0 + "\n").utf8)) }
            } catch {
                try? out.flush()
                failed = reportFailure(path, error)
            }
        }
        try out.flush()
        if let failed { throw failed }
    }
}
