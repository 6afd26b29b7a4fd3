#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DICOM
import NIOCore

/// Sends Part 10 files with C-STORE: as stored when the association accepted the file's own
/// transfer syntax, re-encoded between the uncompressed syntaxes otherwise, or decompressed by a
/// `PixelDataConverter` (`TransferSyntaxChoice`).
public enum InstanceSender {
    /// The presentation contexts to propose for files of these SOP classes and transfer syntaxes,
    /// so that the peer can choose: per SOP class, one context for each stored syntax alone (an
    /// acceptor picks by its own preference within a context, and accepting this one lets the
    /// file go as stored), then one with every uncompressed syntax, for the files the peer takes
    /// only re-encoded. Explicit and Implicit VR Little Endian are in it, which every SCP accepts
    /// (PS3.5 10.1). SOP classes keep the order of their first file.
    public static func contexts(for files: [(sopClassUID: String, transferSyntax: TransferSyntax)]) -> [AssociationProposal.Context] {
        var order: [String] = []
        var stored: [String: [String]] = [:]
        for (sopClass, syntax) in files {
            if stored[sopClass] == nil { order.append(sopClass) }
            if !stored[sopClass, default: []].contains(syntax.uid) { stored[sopClass, default: []].append(syntax.uid) }
        }
        let uncompressed = TransferSyntaxChoice.uncompressed.map(\.uid)
        var contexts: [AssociationProposal.Context] = []
        for sopClass in order {
            for uid in stored[sopClass] ?? [] {
                contexts.append(.init(abstractSyntax: sopClass, transferSyntaxes: [uid]))
            }
            contexts.append(.init(abstractSyntax: sopClass, transferSyntaxes: uncompressed))
        }
        return contexts
    }

    /// Sends one file and returns the peer's response status and comment.
    ///
    /// A file that must be re-encoded is written, re-encoded, to a temporary file in the
    /// association's spool directory and sent from there, so that no more of it is in memory
    /// than a buffer; without a spool directory it is re-encoded in memory. With `rewrite` (the
    /// requester's view of the data) the file is always re-encoded, in its own syntax when the
    /// peer accepted that, so that what goes out is the rewritten data set and never the
    /// stored bytes. With `converter`, a file stored compressed in a syntax the peer did not
    /// accept is decompressed into an uncompressed one it did.
    public static func send(path: String, on association: Association, moveOriginator: (AETitle, UInt16)? = nil,
                            priority: Priority = .medium, rewrite: DataSetRewrite? = nil,
                            converter: (any PixelDataConverter)? = nil) async throws -> DIMSEServiceResult {
        let header: DICOMFileHeader
        do {
            header = try DICOMFileHeader(contentsOf: path)
        } catch {
            throw InstanceSendError.unreadable(path, "\(error)")
        }
        guard let sopClass = header.sopClassUID, let sopInstance = header.sopInstanceUID else {
            throw InstanceSendError.unreadable(path, "the meta group names no SOP class or instance")
        }
        let choice: TransferSyntaxChoice
        do {
            choice = try TransferSyntaxChoice.choose(sopClassUID: sopClass, stored: header.transferSyntax,
                                                     accepted: association.negotiated.acceptedContexts.values, converter: converter)
        } catch {
            throw InstanceSendError.noContext(path, error)
        }
        let context: AcceptedPresentationContext
        let dataSet: OutgoingDataSet
        var temporary: String?
        defer { if let temporary { unlink(temporary) } }
        switch (choice, rewrite) {
        case (.asStored(let accepted), nil):
            context = accepted
            dataSet = .file(path: path, offset: header.dataSetOffset, length: header.fileLength - header.dataSetOffset)
        case (.asStored(let accepted), _?), (.transcode(let accepted), _), (.decompress(let accepted), _):
            context = accepted
            let syntax = TransferSyntax(uid: accepted.transferSyntax)
            let decoding: (any PixelDataConverter)? = if case .decompress = choice { converter } else { nil }
            do {
                if let spool = association.options.spoolDirectory {
                    let target = SpooledFile.uniquePath(in: spool, suffix: ".transcoded")
                    temporary = target
                    dataSet = .file(path: target, offset: 0, length: try transcode(file: path, to: syntax, rewrite: rewrite,
                                                                                   converter: decoding, intoFile: target))
                } else {
                    var sink = ByteArraySink()
                    try transcode(file: path, to: syntax, rewrite: rewrite, converter: decoding, into: &sink)
                    dataSet = .bytes(ByteBuffer(bytes: sink.bytes))
                }
            } catch {
                throw InstanceSendError.unreadable(path, "cannot be re-encoded in \(syntax.name): \(error)")
            }
        }
        let request = DIMSECommand.storeRequest(messageID: association.nextMessageID(), sopClassUID: sopClass,
                                                sopInstanceUID: sopInstance, priority: priority, moveOriginator: moveOriginator)
        let response = try await association.requestSingle(request, contextID: context.id, dataSet: dataSet)
        return DIMSEServiceResult(response.command.status ?? .processingFailure, comment: response.command.errorComment)
    }

    /// Decodes the data set of the Part 10 file at `path` and encodes it, without its meta
    /// group, in `syntax` into `sink`, its pixel data converted by `converter` when there is
    /// one, then passed through `rewrite` when there is one. Large values stay in the file until
    /// they are written (`DICOMFile` defers them), so the data set in memory holds only the small
    /// ones, unless the pixel data is decoded.
    public static func transcode<Sink: ByteSink>(file path: String, to syntax: TransferSyntax, rewrite: DataSetRewrite? = nil,
                                                 converter: (any PixelDataConverter)? = nil, into sink: inout Sink) throws {
        let file = try DICOMFile(contentsOf: path)
        var dataSet = DataSet(file.dataSet.filter { $0.tag.group != 0x0002 })
        if let converter { dataSet = try converter.convert(dataSet, from: file.transferSyntax, to: syntax) }
        try (rewrite?.apply(dataSet) ?? dataSet).encode(in: syntax, into: &sink)
    }

    /// `transcode` into a new file at `target` (mode 0600); returns its length.
    private static func transcode(file path: String, to syntax: TransferSyntax, rewrite: DataSetRewrite?,
                                  converter: (any PixelDataConverter)?, intoFile target: String) throws -> Int {
        var sink = try FileSink(creating: target, exclusive: true)
        try transcode(file: path, to: syntax, rewrite: rewrite, converter: converter, into: &sink)
        try sink.flush()
        var status = stat()
        guard stat(target, &status) == 0 else { throw DICOMFileError.cannotWrite(path: target, errno: errno) }
        return Int(status.st_size)
    }
}

public enum InstanceSendError: Error, Sendable, CustomStringConvertible {
    case unreadable(String, String)
    case noContext(String, TransferSyntaxMismatch)

    public var description: String {
        switch self {
        case let .unreadable(path, why): "\(path): \(why)"
        case let .noContext(path, mismatch): "\(path): \(mismatch)"
        }
    }
}
