/// The acceptor's answer to an A-ASSOCIATE-RQ.
public enum NegotiationOutcome: Sendable {
    /// Send the A-ASSOCIATE-AC; the association is established on these terms.
    case accept(AssociateAC, NegotiatedAssociation)
    /// Send the A-ASSOCIATE-RJ; `reason` says, for the log, what was wrong with the request.
    case reject(AssociateRJ, reason: NegotiationFailure)
}
