import NIOCore

/// What the upper layer asks of the association handler (PS3.8 9.1 requests and responses).
public enum AssociationCommand: Sendable {
    /// Requestor: send the A-ASSOCIATE-RQ on the connection just opened.
    case request(AssociateRQ)
    /// Acceptor: accept on the negotiated terms.
    case accept(AssociateAC, NegotiatedAssociation)
    /// Acceptor: reject, then close once the peer has read it.
    case reject(AssociateRJ)
    /// Send a DIMSE command on a presentation context, fragmented to the peer's maximum length.
    case command(DIMSECommand, presentationContextID: UInt8)
    /// Send a piece of the data set that follows the last command; `isLast` on the final one.
    case dataSetFragment(ByteBuffer, presentationContextID: UInt8, isLast: Bool)
    /// Ask the peer to release the association.
    case release
    /// Agree to the peer's release request.
    case releaseResponse
    /// Abort the association (A-ABORT, source service-user).
    case abort
}
