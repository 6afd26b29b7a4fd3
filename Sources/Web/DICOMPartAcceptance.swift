import DICOM
import Foundation
import Imaging

/// The transfer syntaxes a WADO-RS request accepts for its `application/dicom` parts, read from
/// its Accept header (PS3.18 8.7.3.5, 8.7.5), and the one each stored object is sent in.
///
/// - `multipart/related; type="application/dicom"; transfer-syntax=*`: as stored (what
///   dicomweb-client asks for an instance).
/// - `transfer-syntax=UID`: as stored when that is the stored syntax; otherwise converted by the
///   imaging codecs (`Transcoder`): re-encoded between uncompressed syntaxes, decompressed, or
///   compressed into a syntax Rampart encodes.
/// - no transfer-syntax, or no Accept header, or `*/*`: the default of PS3.18 8.7.3.5.2,
///   Explicit VR Little Endian (what dicomweb-client asks for a study or series); a compressed
///   object is decompressed for it. An object in a syntax the codecs cannot decode then gets a
///   406 that says to ask for `*`.
///
/// Ranges are tried in the order given; q-values other than 0 are not weighed.
struct DICOMPartAcceptance: Sendable, Hashable {
    enum Choice: Sendable, Hashable {
        case asStored
        case syntax(String)
    }

    let choices: [Choice]

    init(choices: [Choice]) {
        self.choices = choices
    }

    init(accept: String?) throws(WebProblem) {
        guard let accept, !accept.trimmingCharacters(in: .whitespaces).isEmpty else {
            choices = [.syntax(TransferSyntax.explicitVRLittleEndian.uid)]
            return
        }
        var choices: [Choice] = []
        for range in MediaRange.accepted(accept) {
            switch range.type {
            case "*/*", "multipart/*":
                choices.append(.syntax(TransferSyntax.explicitVRLittleEndian.uid))
            case "multipart/related":
                let type = range.parameters["type"]?.lowercased()
                guard type == nil || type == MediaType.dicom || type == "application/*" else { continue }
                switch range.parameters["transfer-syntax"] {
                case "*"?: choices.append(.asStored)
                case let uid?: choices.append(.syntax(uid))
                case nil: choices.append(.syntax(TransferSyntax.explicitVRLittleEndian.uid))
                }
            default:
                continue
            }
        }
        guard !choices.isEmpty else {
            throw WebProblem(.notAcceptable, "this resource is served as multipart/related; type=\"application/dicom\", not \(accept)")
        }
        self.choices = choices
    }

    /// The syntax an object stored in `stored` goes out in, or nil when none that is accepted
    /// can be made from it.
    func syntax(for stored: TransferSyntax) -> TransferSyntax? {
        for choice in choices {
            switch choice {
            case .asStored:
                return stored
            case .syntax(let uid) where uid == stored.uid:
                return stored
            case .syntax(let uid):
                let target = TransferSyntax(uid: uid)
                if TransferSyntax.known.contains(target), Transcoder().canConvert(from: stored, to: target) { return target }
            }
        }
        return nil
    }

    /// Names what was accepted, for a 406.
    var acceptedNames: String {
        choices.map { choice in
            switch choice {
            case .asStored: "*"
            case .syntax(let uid): TransferSyntax(uid: uid).name
            }
        }.joined(separator: ", ")
    }
}
