import ArgumentParser
import DICOM

struct JSON: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "json", abstract: "Print a DICOM file's data set as DICOM JSON (PS3.18 F).")

    @Argument(help: "A DICOM Part 10 file.")
    var file: String

    func run() throws {
        let dicom: DICOMFile
        do { dicom = try DICOMFile(contentsOf: file) } catch { throw reportFailure(file, error) }
        _ = dicom
    }
}
