extension AssociationStateMachine {
    /// The states of the DICOM upper layer protocol machine (PS3.8 9.2.1, Tables 9-1 to 9-5).
    public enum State: Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// Sta1: idle, no association and no transport connection.
        case idle
        /// Sta2: transport connection open, awaiting the A-ASSOCIATE-RQ PDU; ARTIM is running.
        case awaitingAssociateRequest
        /// Sta3: awaiting the local A-ASSOCIATE response primitive (accept or reject).
        case awaitingLocalAssociateResponse
        /// Sta4: awaiting the transport connection to open (requestor).
        case awaitingTransportOpen
        /// Sta5: awaiting the A-ASSOCIATE-AC or A-ASSOCIATE-RJ PDU (requestor).
        case awaitingAssociateResponse
        /// Sta6: association established and ready for data transfer.
        case established
        /// Sta7: A-RELEASE-RQ sent, awaiting the A-RELEASE-RP PDU.
        case awaitingReleaseResponse
        /// Sta8: A-RELEASE-RQ received, awaiting the local A-RELEASE response primitive.
        case awaitingLocalReleaseResponse
        /// Sta9: release collision, requestor side; awaiting the local A-RELEASE response.
        case releaseCollisionRequestorAwaitingLocalResponse
        /// Sta10: release collision, acceptor side; awaiting the A-RELEASE-RP PDU.
        case releaseCollisionAcceptorAwaitingResponse
        /// Sta11: release collision, requestor side; awaiting the A-RELEASE-RP PDU.
        case releaseCollisionRequestorAwaitingResponse
        /// Sta12: release collision, acceptor side; awaiting the local A-RELEASE response.
        case releaseCollisionAcceptorAwaitingLocalResponse
        /// Sta13: the association no longer exists; awaiting the transport connection close,
        /// with ARTIM running to bound the wait.
        case awaitingTransportClose

        /// The state's number in PS3.8: 1 for Sta1 through 13 for Sta13.
        public var number: Int {
            switch self {
            case .idle: 1
            case .awaitingAssociateRequest: 2
            case .awaitingLocalAssociateResponse: 3
            case .awaitingTransportOpen: 4
            case .awaitingAssociateResponse: 5
            case .established: 6
            case .awaitingReleaseResponse: 7
            case .awaitingLocalReleaseResponse: 8
            case .releaseCollisionRequestorAwaitingLocalResponse: 9
            case .releaseCollisionAcceptorAwaitingResponse: 10
            case .releaseCollisionRequestorAwaitingResponse: 11
            case .releaseCollisionAcceptorAwaitingLocalResponse: 12
            case .awaitingTransportClose: 13
            }
        }

        /// Whether the ARTIM timer runs in this state. It is started only by actions that lead
        /// to Sta2 (AE-5) or Sta13 (AE-6 reject, AE-8, AR-4, AA-1, AA-8), and every way out of
        /// those two states stops it or lets it expire (PS3.8 9.2.2).
        public var isARTIMRunning: Bool {
            switch self {
            case .awaitingAssociateRequest, .awaitingTransportClose:
                true
            case .idle, .awaitingLocalAssociateResponse, .awaitingTransportOpen, .awaitingAssociateResponse,
                 .established, .awaitingReleaseResponse, .awaitingLocalReleaseResponse,
                 .releaseCollisionRequestorAwaitingLocalResponse, .releaseCollisionAcceptorAwaitingResponse,
                 .releaseCollisionRequestorAwaitingResponse, .releaseCollisionAcceptorAwaitingLocalResponse:
                false
            }
        }

        /// "Sta1" … "Sta13", as PS3.8 and other implementations' logs name them.
        public var description: String { "Sta\(number)" }
    }
}
