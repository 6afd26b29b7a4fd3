extension AssociationStateMachine {
    /// The events of the DICOM upper layer protocol machine (PS3.8 9.2.3, Table 9-10).
    ///
    /// Received PDUs are one case, `received(_:)`; the PDU type selects the PS3.8 event.
    public enum Event: Sendable, Hashable {
        /// Evt1: A-ASSOCIATE request primitive from the local user.
        case associateRequest(AssociateRQ)
        /// Evt2: transport connect confirmation from the local transport service.
        case transportConnected
        /// Evt5: transport connection indication from the local transport service.
        case transportAccepted
        /// A PDU received on the transport connection: Evt3 (A-ASSOCIATE-AC), Evt4
        /// (A-ASSOCIATE-RJ), Evt6 (A-ASSOCIATE-RQ), Evt10 (P-DATA-TF), Evt12 (A-RELEASE-RQ),
        /// Evt13 (A-RELEASE-RP) or Evt16 (A-ABORT).
        case received(PDU)
        /// Evt7: A-ASSOCIATE response primitive (accept) from the local user.
        case associateAccept(AssociateAC)
        /// Evt8: A-ASSOCIATE response primitive (reject) from the local user.
        case associateReject(AssociateRJ)
        /// Evt9: P-DATA request primitive from the local user.
        case dataRequest(PDataTF)
        /// Evt11: A-RELEASE request primitive from the local user.
        case releaseRequest
        /// Evt14: A-RELEASE response primitive from the local user.
        case releaseResponse
        /// Evt15: A-ABORT request primitive from the local user (source: service-user).
        case abortRequest
        /// Evt17: transport connection closed indication, or a transport connect that failed.
        case transportClosed
        /// Evt18: the ARTIM timer expired.
        case artimExpired
        /// Evt19: bytes were received that decode to no valid PDU; the reason is the one the
        /// A-ABORT PDU will carry (see `PDUDecodingError`).
        case invalidPDU(Abort.Reason)

        /// The event's number in PS3.8 Table 9-10: 1 for Evt1 through 19 for Evt19.
        public var number: Int {
            switch self {
            case .associateRequest: 1
            case .transportConnected: 2
            case .received(.associateAC): 3
            case .received(.associateRJ): 4
            case .transportAccepted: 5
            case .received(.associateRQ): 6
            case .associateAccept: 7
            case .associateReject: 8
            case .dataRequest: 9
            case .received(.dataTF): 10
            case .releaseRequest: 11
            case .received(.releaseRQ): 12
            case .received(.releaseRP): 13
            case .releaseResponse: 14
            case .abortRequest: 15
            case .received(.abort): 16
            case .transportClosed: 17
            case .artimExpired: 18
            case .invalidPDU: 19
            }
        }
    }
}
