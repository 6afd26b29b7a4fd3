import ArgumentParser
import DICOM
import Imaging

struct Transcode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read a DICOM file and write it in another transfer syntax, converting its pixel data frame by frame.",
        discussion: "Reads " + Self.list(Transcoder.decodableSyntaxes) + ". Writes " + Self.list(Transcoder.encodableSyntaxes)
            + ". Lossless transcoding keeps every pixel value; lossy JPEG sets Lossy Image Compression, its ratio and method.")

    /// "RLE Lossless (1.2.840.10008.1.2.5), …": the codec tables themselves, so the help cannot drift.
    private static func list(_ syntaxes: [TransferSyntax]) -> String {
        syntaxes.map { "\($0.name) (\($0.uid))" }.joined(separator: ", ")
    }

    @Argument(help: "The DICOM file to read.")
    var input: String

    @Argument(help: "Where to write it.")
    var output: String

    @Option(help: "The UID of the transfer syntax to write, such as 1.2.840.10008.1.2.5 (RLE Lossless).")
    var transferSyntax: String

    @Option(help: "The quality of lossy JPEG (JPEG Baseline, JPEG Extended), 1 to 100 on libjpeg's scale.")
    var quality: Int = JPEGBaseline.defaultQuality

    @Option(help: "The largest error of each sample in near-lossless JPEG-LS (1.2.840.10008.1.2.4.81), 1 to 255.")
    var near: Int = JPEGLSNearLossless.defaultNear

    func validate() throws {
        guard (1...100).contains(quality) else { throw ValidationError("--quality is \(quality); give 1 to 100") }
        guard (1...255).contains(near) else { throw ValidationError("--near is \(near); give 1 to 255") }
    }

    func run() throws {
        let target = TransferSyntax(uid: transferSyntax)
        let file: DICOMFile
        do {
            file = try DICOMFile(contentsOf: input)
        } catch {
            throw reportFailure(input, error)
        }
        // Frame by frame from the input's deferred Pixel Data to the output: memory holds about
        // one frame, whatever the size of the file.
        do {
            try FileSink.write(toPath: output, durable: true) { sink in
                _ = try Transcoder(jpegQuality: quality, jpegLSNear: near).transcode(file, to: target, into: sink)
            }
        } catch let error as TranscodeError {
            throw reportFailure(input, error)
        } catch {
            throw reportFailure(output, error)
        }
    }
}
