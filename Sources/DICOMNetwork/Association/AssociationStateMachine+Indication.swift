extension AssociationStateMachine {
    /// A service primitive the machine issues to the local user: an indication or a
    /// confirmation (PS3.8 7, 9.2.2).
    public enum Indication: Sendable, Hashable {
        /// A-ASSOCIATE indication (AE-6, request acceptable): answer with `associateAccept`
        /// or `associateReject`.
        case associateRequested(AssociateRQ)
        /// A-ASSOCIATE confirmation, accepted (AE-3).
        case associateAccepted(AssociateAC)
        /// A-ASSOCIATE confirmation, rejected (AE-4); the transport is being closed.
        case associateRejected(AssociateRJ)
        /// P-DATA indication (DT-2; AR-6 while our own release request is outstanding).
        case data(PDataTF)
        /// A-RELEASE indication: the peer asks to release (AR-2), or asks while our own
        /// request is outstanding (AR-8, `collision: true`).
        ///
        /// Answer with `releaseResponse`. After a collision the requestor answers at once
        /// (Sta9, AR-9); the acceptor must first wait for `releaseConfirmed` (Sta10, AR-10)
        /// and answer in Sta12, as PS3.8 Table 9-10 defines no response in Sta10.
        case releaseRequested(collision: Bool)
        /// A-RELEASE confirmation (AR-3, AR-10).
        case releaseConfirmed
        /// A-ABORT indication: the peer sent an A-ABORT PDU (AA-3). Its source tells an abort
        /// by the peer's service-user from one by its service-provider (A-P-ABORT).
        case aborted(Abort)
        /// A-P-ABORT indication from the local service-provider: the transport closed
        /// (AA-4, `.notSpecified`) or the peer sent an invalid or unexpected PDU (AA-8, the
        /// reason sent in our A-ABORT PDU).
        case providerAborted(Abort.Reason)
    }
}
