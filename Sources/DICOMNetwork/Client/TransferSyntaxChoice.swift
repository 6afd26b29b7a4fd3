import DICOM

/// How one stored instance travels on an association: in its own transfer syntax when the peer
/// accepted that for the SOP class, otherwise decoded and re-encoded in an uncompressed syntax
/// the peer accepted (PS3.5 10: the data set's values do not change with its encoding).
///
/// Data stored compressed is decompressed for such a peer when a `PixelDataConverter` (the
/// imaging codecs) can decode its syntax. Rampart never compresses on the way out: a peer that
/// accepted an uncompressed syntax can read what it is sent.
public enum TransferSyntaxChoice: Sendable, Hashable {
    /// Send the stored bytes unchanged on this context.
    case asStored(AcceptedPresentationContext)
    /// Re-encode the data set in this context's (uncompressed) transfer syntax.
    case transcode(AcceptedPresentationContext)
    /// Decode the stored compressed pixel data and send the data set in this context's
    /// uncompressed transfer syntax.
    case decompress(AcceptedPresentationContext)

    /// The transfer syntaxes a data set can be re-encoded into and out of, cheapest to write
    /// first, the order Rampart proposes and picks them in (PS3.5 A.2, A.1, the retired A.3, and
    /// A.5, which costs a deflate of the whole data set).
    public static let uncompressed: [TransferSyntax] = [
        .explicitVRLittleEndian, .implicitVRLittleEndian, .explicitVRBigEndian, .deflatedExplicitVRLittleEndian,
    ]

    /// Whether data stored in `syntax` can be re-encoded in the other uncompressed syntaxes.
    public static func canTranscode(_ syntax: TransferSyntax) -> Bool {
        uncompressed.contains { $0.uid == syntax.uid }
    }

    /// The way to send an instance of `sopClassUID` stored in `stored` on an association that
    /// accepted `accepted`: the stored syntax if accepted (the lowest context ID), else the first
    /// accepted syntax in the order of `uncompressed`, into which compressed data is decoded
    /// when `converter` can.
    public static func choose(sopClassUID: String, stored: TransferSyntax,
                              accepted: some Collection<AcceptedPresentationContext>,
                              converter: (any PixelDataConverter)? = nil) throws(TransferSyntaxMismatch) -> TransferSyntaxChoice {
        let candidates = accepted.filter { $0.abstractSyntax == sopClassUID }.sorted { $0.id < $1.id }
        guard !candidates.isEmpty else { throw .sopClassNotAccepted(sopClassUID: sopClassUID) }
        if let exact = candidates.first(where: { $0.transferSyntax == stored.uid }) {
            return .asStored(exact)
        }
        if canTranscode(stored) {
            for syntax in uncompressed {
                if let context = candidates.first(where: { $0.transferSyntax == syntax.uid }) { return .transcode(context) }
            }
        } else if let converter {
            for syntax in uncompressed where converter.canConvert(from: stored, to: syntax) {
                if let context = candidates.first(where: { $0.transferSyntax == syntax.uid }) { return .decompress(context) }
            }
        }
        var acceptedSyntaxes: [String] = []
        for context in candidates where !acceptedSyntaxes.contains(context.transferSyntax) {
            acceptedSyntaxes.append(context.transferSyntax)
        }
        throw .cannotConvert(sopClassUID: sopClassUID, stored: stored, accepted: acceptedSyntaxes)
    }
}

/// Why no accepted presentation context can carry an instance. The description names SOP
/// classes and transfer syntaxes only.
public enum TransferSyntaxMismatch: Error, Sendable, Hashable, CustomStringConvertible {
    /// The peer accepted no presentation context for the SOP class.
    case sopClassNotAccepted(sopClassUID: String)
    /// The peer accepted the SOP class only in syntaxes the stored data cannot be converted to.
    case cannotConvert(sopClassUID: String, stored: TransferSyntax, accepted: [String])

    public var description: String {
        switch self {
        case let .sopClassNotAccepted(sopClass):
            return "the peer accepted no presentation context for SOP class \(sopClass)"
        case let .cannotConvert(sopClass, stored, accepted):
            let names = accepted.map { TransferSyntax(uid: $0).name }.joined(separator: ", ")
            if stored.isEncapsulated {
                return "stored compressed in \(stored.name), and the peer accepted SOP class \(sopClass) only in \(names), "
                    + "none of which Rampart can decode it into"
            }
            return "stored in \(stored.name), and the peer accepted SOP class \(sopClass) only in \(names), "
                + "which Rampart does not encode"
        }
    }
}
