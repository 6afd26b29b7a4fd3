import DICOM
import NIOCore

/// Sends Part 10 files with C-STORE: as stored when the association accepted the file's own
/// transfer syntax, re-encoded between the uncompressed syntaxes otherwise.
public enum InstanceSender {
    /// The presentation contexts to propose for files of these SOP classes and transfer syntaxes:
    /// each file's own syntax, and for uncompressed files also Explicit and Implicit VR Little
    /// Endian, which every SCP accepts (PS3.5 10.1).
    public static func contexts(for files: [(sopClassUID: String, transferSyntax: TransferSyntax)]) -> [AssociationProposal.Context] {
        var seen: Set<String> = []
        var contexts: [AssociationProposal.Context] = []
        for (sopClass, syntax) in files {
            var syntaxes = [syntax.uid]
            if !syntax.isEncapsulated {
                for fallback in [TransferSyntax.explicitVRLittleEndian.uid, TransferSyntax.implicitVRLittleEndian.uid] where !syntaxes.contains(fallback) {
                    syntaxes.append(fallback)
                }
            }
            let key = sopClass + "|" + syntaxes.joined(separator: ",")
            if seen.insert(key).inserted {
                contexts.append(.init(abstractSyntax: sopClass, transferSyntaxes: syntaxes))
            }
        }
        return contexts
    }

    /// Sends one file and returns the peer's response status and comment.
    /// `requireSCPRole` is for C-GET, where we send on contexts the peer accepted us as SCP of.
    public static func send(path: String, on association: Association, moveOriginator: (AETitle, UInt16)? = nil,
                            priority: Priority = .medium) async throws -> DIMSEServiceResult {
        let header: DICOMFileHeader
        do {
            header = try DICOMFileHeader(contentsOf: path)
        } catch {
            throw InstanceSendError.unreadable(path, "\(error)")
        }
        guard let sopClass = header.sopClassUID, let sopInstance = header.sopInstanceUID else {
            throw InstanceSendError.unreadable(path, "the meta group names no SOP class or instance")
        }
        let negotiated = association.negotiated
        let candidates = negotiated.acceptedContexts.values.filter { $0.abstractSyntax == sopClass }.sorted { $0.id < $1.id }
        guard !candidates.isEmpty else {
            throw InstanceSendError.noContext(path, sopClass, header.transferSyntax.uid)
        }
        let dataSet: OutgoingDataSet
        let context: AcceptedPresentationContext
        if let exact = candidates.first(where: { $0.transferSyntax == header.transferSyntax.uid }) {
            context = exact
            dataSet = .file(path: path, offset: header.dataSetOffset, length: header.fileLength - header.dataSetOffset)
        } else if !header.transferSyntax.isEncapsulated,
                  let plain = candidates.first(where: { !TransferSyntax(uid: $0.transferSyntax).isEncapsulated }) {
            context = plain
            do {
                let file = try DICOMFile(contentsOf: path)
                let body = DataSet(file.dataSet.filter { $0.tag.group != 0x0002 })
                dataSet = .bytes(ByteBuffer(bytes: try body.encoded(in: TransferSyntax(uid: plain.transferSyntax))))
            } catch {
                throw InstanceSendError.unreadable(path, "\(error)")
            }
        } else {
            throw InstanceSendError.noContext(path, sopClass, header.transferSyntax.uid)
        }
        let request = DIMSECommand.storeRequest(messageID: association.nextMessageID(), sopClassUID: sopClass,
                                                sopInstanceUID: sopInstance, priority: priority, moveOriginator: moveOriginator)
        let response = try await association.requestSingle(request, contextID: context.id, dataSet: dataSet)
        return DIMSEServiceResult(response.command.status ?? .processingFailure, comment: response.command.errorComment)
    }
}

public enum InstanceSendError: Error, Sendable, CustomStringConvertible {
    case unreadable(String, String)
    case noContext(String, String, String)

    public var description: String {
        switch self {
        case let .unreadable(path, why): "\(path): \(why)"
        case let .noContext(path, sopClass, syntax):
            "\(path): the peer accepted no presentation context for SOP class \(sopClass) in \(syntax) or an uncompressed transfer syntax"
        }
    }
}
