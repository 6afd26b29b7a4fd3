import ArgumentParser
import DICOM
import Imaging

struct Transcode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read a DICOM file and write it in another transfer syntax, converting its pixel data frame by frame.",
        discussion: "Transcodes between the native syntaxes (Implicit VR Little Endian 1.2.840.10008.1.2, Explicit VR Little Endian "
            + "1.2.840.10008.1.2.1, Deflated 1.2.840.10008.1.2.1.99, Explicit VR Big Endian 1.2.840.10008.1.2.2), RLE Lossless "
            + "1.2.840.10008.1.2.5 and JPEG Lossless: it reads process 14 with any predictor (1.2.840.10008.1.2.4.57) and with "
            + "selection value 1 (1.2.840.10008.1.2.4.70), and writes 1.2.840.10008.1.2.4.70. Lossless transcoding keeps every pixel value.")

    @Argument(help: "The DICOM file to read.")
    var input: String

    @Argument(help: "Where to write it.")
    var output: String

    @Option(help: "The UID of the transfer syntax to write, such as 1.2.840.10008.1.2.5 (RLE Lossless).")
    var transferSyntax: String

    func run() throws {
        let target = TransferSyntax(uid: transferSyntax)
        let file: DICOMFile
        do {
            file = try DICOMFile(contentsOf: input)
        } catch {
            throw reportFailure(input, error)
        }
        let dataSet: DataSet
        do {
            dataSet = try Transcoder().transcode(file.dataSet, from: file.transferSyntax, to: target)
        } catch {
            throw reportFailure(input, error)
        }
        do {
            try DICOMFile(meta: file.meta, dataSet: dataSet, transferSyntax: target).write(toPath: output, durable: true)
        } catch {
            throw reportFailure(output, error)
        }
    }
}
