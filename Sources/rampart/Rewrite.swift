import ArgumentParser
import DICOM

struct Rewrite: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read a DICOM file and write it again in the same transfer syntax, with a zeroed preamble.")

    @Argument(help: "The DICOM file to read.")
    var input: String

    @Argument(help: "Where to write it.")
    var output: String

    func run() throws {
        let file: DICOMFile
        do {
            file = try DICOMFile(contentsOf: input)
        } catch {
            throw reportFailure(input, error)
        }
        do {
            try file.write(toPath: output, durable: true)
        } catch {
            throw reportFailure(output, error)
        }
    }
}
