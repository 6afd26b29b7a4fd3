/// PS3.8 9.2: one association, requestor or acceptor side.
///
/// The DICOM upper layer protocol machine as a value: it takes an event (a local primitive,
/// a received PDU, a transport or timer report) and returns what to do, in order. It owns no
/// channel, socket or timer; the channel handler performs the actions and reports back.
///
/// Every (state, event) pair follows PS3.8 Table 9-10, one function per row of the table.
/// Pairs the table leaves blank can only be caused by the local side (a primitive issued in
/// the wrong state, a stale timer, a transport report after we closed it): they are ignored,
/// returning no action and keeping the state.
public struct AssociationStateMachine: Sendable {
    public private(set) var state: State
    /// Set by Evt1 (requestor) or Evt5 (acceptor); nil until either happens.
    public private(set) var role: Role?
    /// The A-ASSOCIATE-RQ of Evt1, kept for AE-2 which sends it once the transport connects.
    private var pendingRequest: AssociateRQ?

    /// A machine in Sta1, idle.
    public init() {
        self.init(state: .idle, role: nil)
    }

    /// A machine in any state, for tests. `pendingRequest` is what AE-2 sends in Sta4.
    init(state: State, role: Role?, pendingRequest: AssociateRQ? = nil) {
        self.state = state
        self.role = role
        self.pendingRequest = pendingRequest
    }

    /// Applies one event and returns the actions it calls for (PS3.8 Table 9-10).
    public mutating func handle(_ event: Event) -> [Action] {
        switch event {
        case let .associateRequest(request): evt1AssociateRequest(request)
        case .transportConnected: evt2TransportConnected()
        case let .received(.associateAC(accept)): evt3AssociateAC(accept)
        case let .received(.associateRJ(reject)): evt4AssociateRJ(reject)
        case .transportAccepted: evt5TransportAccepted()
        case let .received(.associateRQ(request)): evt6AssociateRQ(request)
        case let .associateAccept(accept): evt7AssociateAccept(accept)
        case let .associateReject(reject): evt8AssociateReject(reject)
        case let .dataRequest(data): evt9DataRequest(data)
        case let .received(.dataTF(data)): evt10DataTF(data)
        case .releaseRequest: evt11ReleaseRequest()
        case .received(.releaseRQ): evt12ReleaseRQ()
        case .received(.releaseRP): evt13ReleaseRP()
        case .releaseResponse: evt14ReleaseResponse()
        case .abortRequest: evt15AbortRequest()
        case let .received(.abort(abort)): evt16Abort(abort)
        case .transportClosed: evt17TransportClosed()
        case .artimExpired: evt18ARTIMExpired()
        case let .invalidPDU(reason): evt19InvalidPDU(reason)
        }
    }
}

// MARK: - Table 9-10, one function per event row

extension AssociationStateMachine {
    /// Evt1, A-ASSOCIATE request primitive.
    private mutating func evt1AssociateRequest(_ request: AssociateRQ) -> [Action] {
        switch state {
        case .idle:
            return ae1(request)
        case .awaitingAssociateRequest, .awaitingLocalAssociateResponse, .awaitingTransportOpen,
             .awaitingAssociateResponse, .established, .awaitingReleaseResponse, .awaitingLocalReleaseResponse,
             .releaseCollisionRequestorAwaitingLocalResponse, .releaseCollisionAcceptorAwaitingResponse,
             .releaseCollisionRequestorAwaitingResponse, .releaseCollisionAcceptorAwaitingLocalResponse,
             .awaitingTransportClose:
            // Blank in Table 9-10: one machine serves one association (PS3.8 9.1.1).
            return ignored()
        }
    }

    /// Evt2, transport connect confirmation.
    private mutating func evt2TransportConnected() -> [Action] {
        switch state {
        case .awaitingTransportOpen:
            return ae2()
        case .idle, .awaitingAssociateRequest, .awaitingLocalAssociateResponse, .awaitingAssociateResponse,
             .established, .awaitingReleaseResponse, .awaitingLocalReleaseResponse,
             .releaseCollisionRequestorAwaitingLocalResponse, .releaseCollisionAcceptorAwaitingResponse,
             .releaseCollisionRequestorAwaitingResponse, .releaseCollisionAcceptorAwaitingLocalResponse,
             .awaitingTransportClose:
            // Blank: no connect is outstanding, so the confirmation is stale.
            return ignored()
        }
    }

    /// Evt3, A-ASSOCIATE-AC PDU received.
    private mutating func evt3AssociateAC(_ accept: AssociateAC) -> [Action] {
        switch state {
        case .awaitingAssociateResponse:
            return ae3(accept)
        case .awaitingAssociateRequest:
            return aa1()
        case .awaitingLocalAssociateResponse, .established, .awaitingReleaseResponse, .awaitingLocalReleaseResponse,
             .releaseCollisionRequestorAwaitingLocalResponse, .releaseCollisionAcceptorAwaitingResponse,
             .releaseCollisionRequestorAwaitingResponse, .releaseCollisionAcceptorAwaitingLocalResponse:
            return aa8(.unexpectedPDU)
        case .awaitingTransportClose:
            return aa6()
        case .idle, .awaitingTransportOpen:
            return noTransport()
        }
    }

    /// Evt4, A-ASSOCIATE-RJ PDU received.
    private mutating func evt4AssociateRJ(_ reject: AssociateRJ) -> [Action] {
        switch state {
        case .awaitingAssociateResponse:
            return ae4(reject)
        case .awaitingAssociateRequest:
            return aa1()
        case .awaitingLocalAssociateResponse, .established, .awaitingReleaseResponse, .awaitingLocalReleaseResponse,
             .releaseCollisionRequestorAwaitingLocalResponse, .releaseCollisionAcceptorAwaitingResponse,
             .releaseCollisionRequestorAwaitingResponse, .releaseCollisionAcceptorAwaitingLocalResponse:
            return aa8(.unexpectedPDU)
        case .awaitingTransportClose:
            return aa6()
        case .idle, .awaitingTransportOpen:
            return noTransport()
        }
    }

    /// Evt5, transport connection indication.
    private mutating func evt5TransportAccepted() -> [Action] {
        switch state {
        case .idle:
            return ae5()
        case .awaitingAssociateRequest, .awaitingLocalAssociateResponse, .awaitingTransportOpen,
             .awaitingAssociateResponse, .established, .awaitingReleaseResponse, .awaitingLocalReleaseResponse,
             .releaseCollisionRequestorAwaitingLocalResponse, .releaseCollisionAcceptorAwaitingResponse,
             .releaseCollisionRequestorAwaitingResponse, .releaseCollisionAcceptorAwaitingLocalResponse,
             .awaitingTransportClose:
            // Blank: a machine already has its transport connection (PS3.8 9.1.1).
            return ignored()
        }
    }

    /// Evt6, A-ASSOCIATE-RQ PDU received.
    private mutating func evt6AssociateRQ(_ request: AssociateRQ) -> [Action] {
        switch state {
        case .awaitingAssociateRequest:
            return ae6(request)
        case .awaitingLocalAssociateResponse, .awaitingAssociateResponse, .established, .awaitingReleaseResponse,
             .awaitingLocalReleaseResponse, .releaseCollisionRequestorAwaitingLocalResponse,
             .releaseCollisionAcceptorAwaitingResponse, .releaseCollisionRequestorAwaitingResponse,
             .releaseCollisionAcceptorAwaitingLocalResponse:
            return aa8(.unexpectedPDU)
        case .awaitingTransportClose:
            return aa7(.unexpectedPDU)
        case .idle, .awaitingTransportOpen:
            return noTransport()
        }
    }

    /// Evt7, A-ASSOCIATE response primitive (accept).
    private mutating func evt7AssociateAccept(_ accept: AssociateAC) -> [Action] {
        switch state {
        case .awaitingLocalAssociateResponse:
            return ae7(accept)
        case .idle, .awaitingAssociateRequest, .awaitingTransportOpen, .awaitingAssociateResponse, .established,
             .awaitingReleaseResponse, .awaitingLocalReleaseResponse, .releaseCollisionRequestorAwaitingLocalResponse,
             .releaseCollisionAcceptorAwaitingResponse, .releaseCollisionRequestorAwaitingResponse,
             .releaseCollisionAcceptorAwaitingLocalResponse, .awaitingTransportClose:
            // Blank: no A-ASSOCIATE indication is awaiting an answer (a late answer after an
            // abort lands here).
            return ignored()
        }
    }

    /// Evt8, A-ASSOCIATE response primitive (reject).
    private mutating func evt8AssociateReject(_ reject: AssociateRJ) -> [Action] {
        switch state {
        case .awaitingLocalAssociateResponse:
            return ae8(reject)
        case .idle, .awaitingAssociateRequest, .awaitingTransportOpen, .awaitingAssociateResponse, .established,
             .awaitingReleaseResponse, .awaitingLocalReleaseResponse, .releaseCollisionRequestorAwaitingLocalResponse,
             .releaseCollisionAcceptorAwaitingResponse, .releaseCollisionRequestorAwaitingResponse,
             .releaseCollisionAcceptorAwaitingLocalResponse, .awaitingTransportClose:
            // Blank: no A-ASSOCIATE indication is awaiting an answer.
            return ignored()
        }
    }

    /// Evt9, P-DATA request primitive.
    private mutating func evt9DataRequest(_ data: PDataTF) -> [Action] {
        switch state {
        case .established:
            return dt1(data)
        case .awaitingLocalReleaseResponse:
            return ar7(data)
        case .idle, .awaitingAssociateRequest, .awaitingLocalAssociateResponse, .awaitingTransportOpen,
             .awaitingAssociateResponse, .awaitingReleaseResponse, .releaseCollisionRequestorAwaitingLocalResponse,
             .releaseCollisionAcceptorAwaitingResponse, .releaseCollisionRequestorAwaitingResponse,
             .releaseCollisionAcceptorAwaitingLocalResponse, .awaitingTransportClose:
            // Blank: there is no association to carry data, or we asked to release it and
            // may send no more (PS3.8 7.2). Sending anyway would make the peer abort.
            return ignored()
        }
    }

    /// Evt10, P-DATA-TF PDU received.
    private mutating func evt10DataTF(_ data: PDataTF) -> [Action] {
        switch state {
        case .established:
            return dt2(data)
        case .awaitingReleaseResponse:
            return ar6(data)
        case .awaitingAssociateRequest:
            return aa1()
        case .awaitingLocalAssociateResponse, .awaitingAssociateResponse, .awaitingLocalReleaseResponse,
             .releaseCollisionRequestorAwaitingLocalResponse, .releaseCollisionAcceptorAwaitingResponse,
             .releaseCollisionRequestorAwaitingResponse, .releaseCollisionAcceptorAwaitingLocalResponse:
            return aa8(.unexpectedPDU)
        case .awaitingTransportClose:
            return aa6()
        case .idle, .awaitingTransportOpen:
            return noTransport()
        }
    }

    /// Evt11, A-RELEASE request primitive.
    private mutating func evt11ReleaseRequest() -> [Action] {
        switch state {
        case .established:
            return ar1()
        case .idle, .awaitingAssociateRequest, .awaitingLocalAssociateResponse, .awaitingTransportOpen,
             .awaitingAssociateResponse, .awaitingReleaseResponse, .awaitingLocalReleaseResponse,
             .releaseCollisionRequestorAwaitingLocalResponse, .releaseCollisionAcceptorAwaitingResponse,
             .releaseCollisionRequestorAwaitingResponse, .releaseCollisionAcceptorAwaitingLocalResponse,
             .awaitingTransportClose:
            // Blank: no established association, or a release is already under way.
            return ignored()
        }
    }

    /// Evt12, A-RELEASE-RQ PDU received.
    private mutating func evt12ReleaseRQ() -> [Action] {
        switch state {
        case .established:
            return ar2()
        case .awaitingReleaseResponse:
            return ar8()
        case .awaitingAssociateRequest:
            return aa1()
        case .awaitingLocalAssociateResponse, .awaitingAssociateResponse, .awaitingLocalReleaseResponse,
             .releaseCollisionRequestorAwaitingLocalResponse, .releaseCollisionAcceptorAwaitingResponse,
             .releaseCollisionRequestorAwaitingResponse, .releaseCollisionAcceptorAwaitingLocalResponse:
            return aa8(.unexpectedPDU)
        case .awaitingTransportClose:
            return aa6()
        case .idle, .awaitingTransportOpen:
            return noTransport()
        }
    }

    /// Evt13, A-RELEASE-RP PDU received.
    private mutating func evt13ReleaseRP() -> [Action] {
        switch state {
        case .awaitingReleaseResponse, .releaseCollisionRequestorAwaitingResponse:
            return ar3()
        case .releaseCollisionAcceptorAwaitingResponse:
            return ar10()
        case .awaitingAssociateRequest:
            return aa1()
        case .awaitingLocalAssociateResponse, .awaitingAssociateResponse, .established, .awaitingLocalReleaseResponse,
             .releaseCollisionRequestorAwaitingLocalResponse, .releaseCollisionAcceptorAwaitingLocalResponse:
            return aa8(.unexpectedPDU)
        case .awaitingTransportClose:
            return aa6()
        case .idle, .awaitingTransportOpen:
            return noTransport()
        }
    }

    /// Evt14, A-RELEASE response primitive.
    private mutating func evt14ReleaseResponse() -> [Action] {
        switch state {
        case .awaitingLocalReleaseResponse, .releaseCollisionAcceptorAwaitingLocalResponse:
            return ar4()
        case .releaseCollisionRequestorAwaitingLocalResponse:
            return ar9()
        case .releaseCollisionAcceptorAwaitingResponse:
            // Blank: after a collision the acceptor answers only once its own release is
            // confirmed (AR-10, Sta12); answering earlier would break the PS3.8 7.2 sequence.
            return ignored()
        case .idle, .awaitingAssociateRequest, .awaitingLocalAssociateResponse, .awaitingTransportOpen,
             .awaitingAssociateResponse, .established, .awaitingReleaseResponse,
             .releaseCollisionRequestorAwaitingResponse, .awaitingTransportClose:
            // Blank: no A-RELEASE indication is awaiting an answer.
            return ignored()
        }
    }

    /// Evt15, A-ABORT request primitive.
    private mutating func evt15AbortRequest() -> [Action] {
        switch state {
        case .awaitingLocalAssociateResponse, .awaitingAssociateResponse, .established, .awaitingReleaseResponse,
             .awaitingLocalReleaseResponse, .releaseCollisionRequestorAwaitingLocalResponse,
             .releaseCollisionAcceptorAwaitingResponse, .releaseCollisionRequestorAwaitingResponse,
             .releaseCollisionAcceptorAwaitingLocalResponse:
            return aa1()
        case .awaitingTransportOpen:
            return aa2()
        case .idle, .awaitingAssociateRequest, .awaitingTransportClose:
            // Blank: there is no association the local user knows of (Sta1, Sta2) or it is
            // already gone (Sta13); ARTIM bounds how long Sta2 and Sta13 can last.
            return ignored()
        }
    }

    /// Evt16, A-ABORT PDU received.
    private mutating func evt16Abort(_ abort: Abort) -> [Action] {
        switch state {
        case .awaitingAssociateRequest, .awaitingTransportClose:
            return aa2()
        case .awaitingLocalAssociateResponse, .awaitingAssociateResponse, .established, .awaitingReleaseResponse,
             .awaitingLocalReleaseResponse, .releaseCollisionRequestorAwaitingLocalResponse,
             .releaseCollisionAcceptorAwaitingResponse, .releaseCollisionRequestorAwaitingResponse,
             .releaseCollisionAcceptorAwaitingLocalResponse:
            return aa3(abort)
        case .idle, .awaitingTransportOpen:
            return noTransport()
        }
    }

    /// Evt17, transport connection closed indication.
    private mutating func evt17TransportClosed() -> [Action] {
        switch state {
        case .awaitingAssociateRequest:
            return aa5()
        case .awaitingLocalAssociateResponse, .awaitingTransportOpen, .awaitingAssociateResponse, .established,
             .awaitingReleaseResponse, .awaitingLocalReleaseResponse, .releaseCollisionRequestorAwaitingLocalResponse,
             .releaseCollisionAcceptorAwaitingResponse, .releaseCollisionRequestorAwaitingResponse,
             .releaseCollisionAcceptorAwaitingLocalResponse:
            return aa4()
        case .awaitingTransportClose:
            return ar5()
        case .idle:
            // Blank: the close we asked for (AE-4, AR-3, AA-2, AA-3) being reported.
            return ignored()
        }
    }

    /// Evt18, ARTIM timer expired.
    private mutating func evt18ARTIMExpired() -> [Action] {
        switch state {
        case .awaitingAssociateRequest, .awaitingTransportClose:
            return aa2()
        case .idle, .awaitingLocalAssociateResponse, .awaitingTransportOpen, .awaitingAssociateResponse,
             .established, .awaitingReleaseResponse, .awaitingLocalReleaseResponse,
             .releaseCollisionRequestorAwaitingLocalResponse, .releaseCollisionAcceptorAwaitingResponse,
             .releaseCollisionRequestorAwaitingResponse, .releaseCollisionAcceptorAwaitingLocalResponse:
            // Blank: ARTIM does not run here, so this is a timer that fired as it was stopped.
            return ignored()
        }
    }

    /// Evt19, unrecognized or invalid PDU received.
    private mutating func evt19InvalidPDU(_ reason: Abort.Reason) -> [Action] {
        switch state {
        case .awaitingAssociateRequest:
            return aa1()
        case .awaitingLocalAssociateResponse, .awaitingAssociateResponse, .established, .awaitingReleaseResponse,
             .awaitingLocalReleaseResponse, .releaseCollisionRequestorAwaitingLocalResponse,
             .releaseCollisionAcceptorAwaitingResponse, .releaseCollisionRequestorAwaitingResponse,
             .releaseCollisionAcceptorAwaitingLocalResponse:
            return aa8(reason)
        case .awaitingTransportClose:
            return aa7(reason)
        case .idle, .awaitingTransportOpen:
            return noTransport()
        }
    }
}

// MARK: - Actions, PS3.8 9.2.2 Tables 9-6 to 9-9

extension AssociationStateMachine {
    /// A blank cell of Table 9-10 for a local primitive or report: nothing happens.
    private func ignored() -> [Action] { [] }

    /// A blank cell of Table 9-10 for a received PDU: in Sta1 and Sta4 there is no transport
    /// connection to receive on, so only bytes that arrive as our own close completes land
    /// here. Nothing happens.
    private func noTransport() -> [Action] { [] }

    /// AE-1: issue a TRANSPORT CONNECT request; next state Sta4.
    private mutating func ae1(_ request: AssociateRQ) -> [Action] {
        role = .requestor
        pendingRequest = request
        state = .awaitingTransportOpen
        return [.openTransport]
    }

    /// AE-2: send the A-ASSOCIATE-RQ PDU; next state Sta5.
    private mutating func ae2() -> [Action] {
        guard let request = pendingRequest else {
            // Only a machine built in Sta4 by `init(state:role:)` has no request to send:
            // give up the connection as AA-2 and AA-4 would, rather than trap.
            state = .idle
            return [.closeTransport, .indicate(.providerAborted(.notSpecified))]
        }
        pendingRequest = nil
        state = .awaitingAssociateResponse
        return [.send(.associateRQ(request))]
    }

    /// AE-3: issue the A-ASSOCIATE confirmation (accept); next state Sta6.
    private mutating func ae3(_ accept: AssociateAC) -> [Action] {
        state = .established
        return [.indicate(.associateAccepted(accept))]
    }

    /// AE-4: issue the A-ASSOCIATE confirmation (reject) and close the transport; next Sta1.
    private mutating func ae4(_ reject: AssociateRJ) -> [Action] {
        state = .idle
        return [.indicate(.associateRejected(reject)), .closeTransport]
    }

    /// AE-5: accept the transport connection and start ARTIM; next state Sta2.
    private mutating func ae5() -> [Action] {
        role = .acceptor
        state = .awaitingAssociateRequest
        return [.startARTIM]
    }

    /// AE-6: stop ARTIM; if the request is acceptable to the service-provider, issue the
    /// A-ASSOCIATE indication (Sta3); otherwise send A-ASSOCIATE-RJ and start ARTIM (Sta13).
    ///
    /// The service-provider tests only the protocol version: bit 0 set means version 1, the
    /// one this implementation speaks (PS3.8 9.3.2, Table 9-11). AE titles, application
    /// context and presentation contexts are the service-user's to judge in Sta3.
    private mutating func ae6(_ request: AssociateRQ) -> [Action] {
        if request.protocolVersion & 0x0001 != 0 {
            state = .awaitingLocalAssociateResponse
            return [.stopARTIM, .indicate(.associateRequested(request))]
        }
        state = .awaitingTransportClose
        let reject = AssociateRJ(result: .rejectedPermanent, source: .serviceProviderACSE(.protocolVersionNotSupported))
        return [.stopARTIM, .send(.associateRJ(reject)), .startARTIM]
    }

    /// AE-7: send the A-ASSOCIATE-AC PDU; next state Sta6.
    private mutating func ae7(_ accept: AssociateAC) -> [Action] {
        state = .established
        return [.send(.associateAC(accept))]
    }

    /// AE-8: send the A-ASSOCIATE-RJ PDU and start ARTIM; next state Sta13.
    private mutating func ae8(_ reject: AssociateRJ) -> [Action] {
        state = .awaitingTransportClose
        return [.send(.associateRJ(reject)), .startARTIM]
    }

    /// DT-1: send the P-DATA-TF PDU; next state Sta6.
    private mutating func dt1(_ data: PDataTF) -> [Action] {
        state = .established
        return [.send(.dataTF(data))]
    }

    /// DT-2: issue the P-DATA indication; next state Sta6.
    private mutating func dt2(_ data: PDataTF) -> [Action] {
        state = .established
        return [.indicate(.data(data))]
    }

    /// AR-1: send the A-RELEASE-RQ PDU; next state Sta7.
    private mutating func ar1() -> [Action] {
        state = .awaitingReleaseResponse
        return [.send(.releaseRQ(ReleaseRQ()))]
    }

    /// AR-2: issue the A-RELEASE indication; next state Sta8.
    private mutating func ar2() -> [Action] {
        state = .awaitingLocalReleaseResponse
        return [.indicate(.releaseRequested(collision: false))]
    }

    /// AR-3: issue the A-RELEASE confirmation and close the transport; next state Sta1.
    private mutating func ar3() -> [Action] {
        state = .idle
        return [.indicate(.releaseConfirmed), .closeTransport]
    }

    /// AR-4: send the A-RELEASE-RP PDU and start ARTIM; next state Sta13. The requestor
    /// closes the transport on receiving it (AR-3); ARTIM bounds the wait for that.
    private mutating func ar4() -> [Action] {
        state = .awaitingTransportClose
        return [.send(.releaseRP(ReleaseRP())), .startARTIM]
    }

    /// AR-5: stop ARTIM; next state Sta1.
    private mutating func ar5() -> [Action] {
        state = .idle
        return [.stopARTIM]
    }

    /// AR-6: issue the P-DATA indication; next state Sta7. The peer may still send data
    /// until it answers our release request (PS3.8 7.2).
    private mutating func ar6(_ data: PDataTF) -> [Action] {
        state = .awaitingReleaseResponse
        return [.indicate(.data(data))]
    }

    /// AR-7: send the P-DATA-TF PDU; next state Sta8.
    private mutating func ar7(_ data: PDataTF) -> [Action] {
        state = .awaitingLocalReleaseResponse
        return [.send(.dataTF(data))]
    }

    /// AR-8: issue the A-RELEASE indication (release collision); next state Sta9 for the
    /// association-requestor, Sta10 otherwise.
    private mutating func ar8() -> [Action] {
        state = role == .requestor ? .releaseCollisionRequestorAwaitingLocalResponse : .releaseCollisionAcceptorAwaitingResponse
        return [.indicate(.releaseRequested(collision: true))]
    }

    /// AR-9: send the A-RELEASE-RP PDU; next state Sta11.
    private mutating func ar9() -> [Action] {
        state = .releaseCollisionRequestorAwaitingResponse
        return [.send(.releaseRP(ReleaseRP()))]
    }

    /// AR-10: issue the A-RELEASE confirmation; next state Sta12.
    private mutating func ar10() -> [Action] {
        state = .releaseCollisionAcceptorAwaitingLocalResponse
        return [.indicate(.releaseConfirmed)]
    }

    /// AA-1: send an A-ABORT PDU with source service-user and start (or restart) ARTIM;
    /// next state Sta13. PS3.8 names this source even when Sta2 aborts on a bad PDU, and
    /// the reason field is then not significant, so it is sent as 0.
    private mutating func aa1() -> [Action] {
        state = .awaitingTransportClose
        return [.send(.abort(Abort(source: .serviceUser))), .startARTIM]
    }

    /// AA-2: stop ARTIM if running and close the transport; next state Sta1.
    private mutating func aa2() -> [Action] {
        let wasRunning = state.isARTIMRunning
        state = .idle
        return wasRunning ? [.stopARTIM, .closeTransport] : [.closeTransport]
    }

    /// AA-3: issue the A-ABORT indication (service-user source) or A-P-ABORT indication
    /// (service-provider source) and close the transport; next state Sta1. Both are
    /// `.aborted` here: the PDU's source tells them apart.
    private mutating func aa3(_ abort: Abort) -> [Action] {
        state = .idle
        return [.indicate(.aborted(abort)), .closeTransport]
    }

    /// AA-4: issue the A-P-ABORT indication; next state Sta1. The transport is already gone.
    private mutating func aa4() -> [Action] {
        state = .idle
        return [.indicate(.providerAborted(.notSpecified))]
    }

    /// AA-5: stop ARTIM; next state Sta1.
    private mutating func aa5() -> [Action] {
        state = .idle
        return [.stopARTIM]
    }

    /// AA-6: ignore the PDU; stay in Sta13.
    private mutating func aa6() -> [Action] {
        state = .awaitingTransportClose
        return []
    }

    /// AA-7: send an A-ABORT PDU; stay in Sta13 (ARTIM keeps running). The local
    /// service-provider is the one answering, so it is the source.
    private mutating func aa7(_ reason: Abort.Reason) -> [Action] {
        state = .awaitingTransportClose
        return [.send(.abort(Abort(source: .serviceProvider, reason: reason)))]
    }

    /// AA-8: send an A-ABORT PDU (service-provider source), issue the A-P-ABORT indication
    /// and start ARTIM; next state Sta13.
    private mutating func aa8(_ reason: Abort.Reason) -> [Action] {
        state = .awaitingTransportClose
        return [
            .send(.abort(Abort(source: .serviceProvider, reason: reason))),
            .indicate(.providerAborted(reason)),
            .startARTIM,
        ]
    }
}
