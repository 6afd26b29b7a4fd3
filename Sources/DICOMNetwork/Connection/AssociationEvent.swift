import NIOCore

/// What the association handler tells the upper layer (PS3.8 9.1 indications and confirmations,
/// with P-DATA already reassembled into DIMSE commands and data set fragments).
public enum AssociationEvent: Sendable {
    /// Acceptor: a peer asks for an association. Answer with `.accept` or `.reject`.
    case associationRequested(AssociateRQ)
    /// Requestor: the peer accepted; these are the agreed terms.
    case established(NegotiatedAssociation)
    /// Requestor: the peer rejected the association.
    case rejected(AssociateRJ)
    /// A complete DIMSE command. When `command.hasDataSet`, its data set follows as fragments.
    case command(DIMSECommand, presentationContextID: UInt8)
    /// A piece of the data set announced by the last command, in the order received.
    case dataSetFragment(ByteBuffer, isLast: Bool)
    /// The peer asks to release. Answer with `.releaseResponse` once outstanding work is done.
    case releaseRequested
    /// The release completed; the transport is closing.
    case released
    /// The association ended abnormally.
    case aborted(AssociationAbort)
}

/// Why an association ended abnormally, told in terms an operator can act on.
public enum AssociationAbort: Sendable, Hashable, CustomStringConvertible {
    /// The peer sent an A-ABORT PDU.
    case byPeer(Abort)
    /// The upper layer (PS3.8 A-P-ABORT): the peer broke the protocol, or the transport closed.
    case byProvider(Abort.Reason, detail: String)
    /// The peer broke the protocol (a PDU or DIMSE message that cannot be decoded, or longer
    /// than allowed) and this side aborted: hostile or broken input, worth an audit record.
    case protocolViolation(detail: String)
    /// TLS failed: in the handshake (a certificate missing, expired, or from a CA not trusted),
    /// or later. A security event, not only a network one.
    case transportSecurity(detail: String)

    public var description: String {
        switch self {
        case let .byPeer(abort):
            switch abort.source {
            case .serviceProvider: "the peer's DICOM service provider aborted the association (reason: \(abort.reason))"
            case .serviceUser, .reserved: "the peer aborted the association"
            }
        case let .byProvider(_, detail), let .protocolViolation(detail):
            detail
        case let .transportSecurity(detail):
            "TLS failed: \(detail)"
        }
    }
}
