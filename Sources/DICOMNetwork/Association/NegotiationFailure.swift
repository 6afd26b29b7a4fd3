/// Why an A-ASSOCIATE-RQ was rejected, told to the operator who must act on it. The peer
/// sees only the result, source and reason of the A-ASSOCIATE-RJ (PS3.8 Table 9-21).
public enum NegotiationFailure: Sendable, Hashable, CustomStringConvertible {
    /// Bit 0 of the protocol version is not set (PS3.8 Table 9-11).
    case protocolVersionNotSupported(UInt16)
    /// The application context is not the DICOM one, 1.2.840.10008.3.1.1.1 (PS3.7 A.2.1).
    case applicationContextNotSupported(String)
    /// The request calls an AE title other than this server's.
    case calledAETitleNotRecognized(called: AETitle, expected: AETitle)
    /// The calling AE title is blank: the peer does not say who it is.
    case callingAETitleBlank
    /// No proposed presentation context could be accepted; one entry per proposal.
    case noPresentationContextAccepted(proposed: Int, rejections: [PresentationContextRejection])

    /// At most this many context rejections are spelled out in `description`.
    static let listedRejections = 8

    public var description: String {
        switch self {
        case let .protocolVersionNotSupported(version):
            return "protocol version 0x\(String(version, radix: 16, uppercase: true)) does not have bit 0 set; only version 1 is defined (PS3.8 9.3.2)"
        case let .applicationContextNotSupported(name):
            return "application context '\(name)' is not the DICOM application context 1.2.840.10008.3.1.1.1 (PS3.7 A.2.1)"
        case let .calledAETitleNotRecognized(called, expected):
            return "called AE title '\(called)' is not this server's ('\(expected)')"
        case .callingAETitleBlank:
            return "calling AE title is blank: the peer does not say which application entity it is"
        case let .noPresentationContextAccepted(proposed, _) where proposed == 0:
            return "the request proposes no presentation context"
        case let .noPresentationContextAccepted(proposed, rejections):
            var listed = rejections.prefix(Self.listedRejections).map(\.description).joined(separator: "; ")
            if rejections.count > Self.listedRejections {
                listed += "; and \(rejections.count - Self.listedRejections) more"
            }
            let summary = proposed == 1
                ? "the only proposed presentation context is not accepted"
                : "none of the \(proposed) proposed presentation contexts is accepted"
            return "\(summary): \(listed)"
        }
    }
}
