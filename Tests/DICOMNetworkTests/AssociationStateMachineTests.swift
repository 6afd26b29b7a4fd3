@testable import DICOMNetwork
import Testing

/// Samples shared by the state machine tests.
enum StateMachineSamples {
    typealias Machine = AssociationStateMachine
    typealias State = AssociationStateMachine.State

    static let request = Fixtures.associateRQ
    static let accept = Fixtures.associateAC
    static let reject = Fixtures.associateRJ
    static let data = Fixtures.dataTF

    /// An A-ASSOCIATE-RQ whose protocol version lacks bit 0: not version 1 (PS3.8 Table 9-11).
    static let version2Request: AssociateRQ = {
        var request = Fixtures.associateRQ
        request.protocolVersion = 0x0002
        return request
    }()

    static let userAbort = Abort(source: .serviceUser)
    static let providerAbort = Abort(source: .serviceProvider, reason: .unexpectedPDU)

    /// The A-ABORT PDU this side sends for AA-8 and AA-7.
    static func providerAbort(_ reason: Abort.Reason) -> PDU {
        .abort(Abort(source: .serviceProvider, reason: reason))
    }

    /// A machine in `state`; Sta4 machines hold the request AE-2 will send.
    static func machine(in state: State, role: Machine.Role? = .requestor) -> Machine {
        Machine(state: state, role: role, pendingRequest: state == .awaitingTransportOpen ? request : nil)
    }

    /// The states of an association between establishment and release (Sta3, Sta5–Sta12):
    /// the ones where AA-1, AA-3, AA-4 and AA-8 apply.
    static let associationStates: [State] = [
        .awaitingLocalAssociateResponse, .awaitingAssociateResponse, .established, .awaitingReleaseResponse,
        .awaitingLocalReleaseResponse, .releaseCollisionRequestorAwaitingLocalResponse,
        .releaseCollisionAcceptorAwaitingResponse, .releaseCollisionRequestorAwaitingResponse,
        .releaseCollisionAcceptorAwaitingLocalResponse,
    ]
}

@Suite("Association state machine, transition by transition (PS3.8 Table 9-10)")
struct AssociationStateMachineTests {
    typealias Machine = AssociationStateMachine
    typealias State = AssociationStateMachine.State
    private typealias S = StateMachineSamples

    // MARK: Numbering

    @Test func statesAreNumberedSta1ToSta13() {
        #expect(State.allCases.map(\.number) == Array(1...13))
        #expect(State.allCases.map(\.description) == (1...13).map { "Sta\($0)" })
        #expect(Machine().state == .idle)
        #expect(Machine().role == nil)
    }

    @Test func eventsAreNumberedAsInTable9_10() {
        let events: [(Machine.Event, Int)] = [
            (.associateRequest(S.request), 1), (.transportConnected, 2), (.received(.associateAC(S.accept)), 3),
            (.received(.associateRJ(S.reject)), 4), (.transportAccepted, 5), (.received(.associateRQ(S.request)), 6),
            (.associateAccept(S.accept), 7), (.associateReject(S.reject), 8), (.dataRequest(S.data), 9),
            (.received(.dataTF(S.data)), 10), (.releaseRequest, 11), (.received(.releaseRQ(ReleaseRQ())), 12),
            (.received(.releaseRP(ReleaseRP())), 13), (.releaseResponse, 14), (.abortRequest, 15),
            (.received(.abort(S.userAbort)), 16), (.transportClosed, 17), (.artimExpired, 18),
            (.invalidPDU(.unrecognizedPDU), 19),
        ]
        for (event, number) in events {
            #expect(event.number == number, "\(event)")
        }
    }

    // MARK: Establishment, requestor (AE-1 to AE-4)

    @Test func requestorOpensTransportOnAssociateRequest() {
        var machine = Machine()
        #expect(machine.handle(.associateRequest(S.request)) == [.openTransport])
        #expect(machine.state == .awaitingTransportOpen)
        #expect(machine.role == .requestor)
    }

    @Test func requestorSendsTheAssociateRequestOnceTransportConnects() {
        var machine = Machine()
        _ = machine.handle(.associateRequest(S.request))
        #expect(machine.handle(.transportConnected) == [.send(.associateRQ(S.request))])
        #expect(machine.state == .awaitingAssociateResponse)
    }

    @Test func requestorConfirmsAcceptanceOnAssociateAC() {
        var machine = S.machine(in: .awaitingAssociateResponse)
        #expect(machine.handle(.received(.associateAC(S.accept))) == [.indicate(.associateAccepted(S.accept))])
        #expect(machine.state == .established)
    }

    @Test func requestorConfirmsRejectionAndClosesOnAssociateRJ() {
        var machine = S.machine(in: .awaitingAssociateResponse)
        #expect(machine.handle(.received(.associateRJ(S.reject))) == [.indicate(.associateRejected(S.reject)), .closeTransport])
        #expect(machine.state == .idle)
    }

    @Test func failedTransportConnectIsAProviderAbort() {
        var machine = S.machine(in: .awaitingTransportOpen)
        #expect(machine.handle(.transportClosed) == [.indicate(.providerAborted(.notSpecified))])
        #expect(machine.state == .idle)
    }

    @Test func abortWhileConnectingClosesTransportWithoutSending() {
        var machine = S.machine(in: .awaitingTransportOpen)
        #expect(machine.handle(.abortRequest) == [.closeTransport])
        #expect(machine.state == .idle)
    }

    /// Only reachable by building a Sta4 machine by hand: it must not trap.
    @Test func transportConnectedWithNoRequestToSendGivesUp() {
        var machine = Machine(state: .awaitingTransportOpen, role: .requestor)
        #expect(machine.handle(.transportConnected) == [.closeTransport, .indicate(.providerAborted(.notSpecified))])
        #expect(machine.state == .idle)
    }

    // MARK: Establishment, acceptor (AE-5 to AE-8)

    @Test func acceptorStartsARTIMOnTransportConnection() {
        var machine = Machine()
        #expect(machine.handle(.transportAccepted) == [.startARTIM])
        #expect(machine.state == .awaitingAssociateRequest)
        #expect(machine.role == .acceptor)
    }

    @Test func acceptorStopsARTIMAndIndicatesOnAssociateRequest() {
        var machine = S.machine(in: .awaitingAssociateRequest, role: .acceptor)
        #expect(machine.handle(.received(.associateRQ(S.request))) == [.stopARTIM, .indicate(.associateRequested(S.request))])
        #expect(machine.state == .awaitingLocalAssociateResponse)
    }

    @Test func acceptorAcceptsAnyProtocolVersionWithBit0Set() {
        var request = S.request
        request.protocolVersion = 0x0003
        var machine = S.machine(in: .awaitingAssociateRequest, role: .acceptor)
        #expect(machine.handle(.received(.associateRQ(request))) == [.stopARTIM, .indicate(.associateRequested(request))])
        #expect(machine.state == .awaitingLocalAssociateResponse)
    }

    @Test func acceptorRejectsUnsupportedProtocolVersionItself() {
        var machine = S.machine(in: .awaitingAssociateRequest, role: .acceptor)
        let reject = AssociateRJ(result: .rejectedPermanent, source: .serviceProviderACSE(.protocolVersionNotSupported))
        #expect(machine.handle(.received(.associateRQ(S.version2Request))) == [.stopARTIM, .send(.associateRJ(reject)), .startARTIM])
        #expect(machine.state == .awaitingTransportClose)
    }

    @Test func acceptorSendsAssociateACWhenTheUserAccepts() {
        var machine = S.machine(in: .awaitingLocalAssociateResponse, role: .acceptor)
        #expect(machine.handle(.associateAccept(S.accept)) == [.send(.associateAC(S.accept))])
        #expect(machine.state == .established)
    }

    @Test func acceptorSendsAssociateRJAndStartsARTIMWhenTheUserRejects() {
        var machine = S.machine(in: .awaitingLocalAssociateResponse, role: .acceptor)
        #expect(machine.handle(.associateReject(S.reject)) == [.send(.associateRJ(S.reject)), .startARTIM])
        #expect(machine.state == .awaitingTransportClose)
    }

    @Test func peerAbortBeforeAssociateRequestClosesWithoutIndication() {
        var machine = S.machine(in: .awaitingAssociateRequest, role: .acceptor)
        #expect(machine.handle(.received(.abort(S.userAbort))) == [.stopARTIM, .closeTransport])
        #expect(machine.state == .idle)
    }

    @Test func transportClosedBeforeAssociateRequestStopsARTIM() {
        var machine = S.machine(in: .awaitingAssociateRequest, role: .acceptor)
        #expect(machine.handle(.transportClosed) == [.stopARTIM])
        #expect(machine.state == .idle)
    }

    /// PS3.8 Table 9-10 answers these in Sta2 with AA-1, whose A-ABORT has source service-user.
    @Test(arguments: [
        Machine.Event.received(.associateAC(Fixtures.associateAC)), .received(.associateRJ(Fixtures.associateRJ)),
        .received(.dataTF(Fixtures.dataTF)), .received(.releaseRQ(ReleaseRQ())), .received(.releaseRP(ReleaseRP())),
        .invalidPDU(.unrecognizedPDU), .invalidPDU(.invalidPDUParameterValue),
    ])
    func unexpectedPDUBeforeAssociateRequestAbortsAsAA1(event: Machine.Event) {
        var machine = S.machine(in: .awaitingAssociateRequest, role: .acceptor)
        #expect(machine.handle(event) == [.send(.abort(S.userAbort)), .startARTIM])
        #expect(machine.state == .awaitingTransportClose)
    }

    // MARK: Data transfer (DT-1, DT-2, AR-6, AR-7)

    @Test(arguments: [Machine.Role.requestor, .acceptor])
    func dataRequestIsSentInSta6(role: Machine.Role) {
        var machine = S.machine(in: .established, role: role)
        #expect(machine.handle(.dataRequest(S.data)) == [.send(.dataTF(S.data))])
        #expect(machine.state == .established)
    }

    @Test(arguments: [Machine.Role.requestor, .acceptor])
    func receivedDataIsIndicatedInSta6(role: Machine.Role) {
        var machine = S.machine(in: .established, role: role)
        #expect(machine.handle(.received(.dataTF(S.data))) == [.indicate(.data(S.data))])
        #expect(machine.state == .established)
    }

    @Test func peerMayStillSendDataWhileOurReleaseRequestIsOutstanding() {
        var machine = S.machine(in: .awaitingReleaseResponse)
        #expect(machine.handle(.received(.dataTF(S.data))) == [.indicate(.data(S.data))])
        #expect(machine.state == .awaitingReleaseResponse)
    }

    @Test func weMayStillSendDataBeforeAnsweringThePeersReleaseRequest() {
        var machine = S.machine(in: .awaitingLocalReleaseResponse, role: .acceptor)
        #expect(machine.handle(.dataRequest(S.data)) == [.send(.dataTF(S.data))])
        #expect(machine.state == .awaitingLocalReleaseResponse)
    }

    @Test func dataRequestAfterOurReleaseRequestIsIgnored() {
        var machine = S.machine(in: .awaitingReleaseResponse)
        #expect(machine.handle(.dataRequest(S.data)) == [])
        #expect(machine.state == .awaitingReleaseResponse)
    }

    @Test func dataFromThePeerAfterItAskedToReleaseAborts() {
        var machine = S.machine(in: .awaitingLocalReleaseResponse, role: .acceptor)
        #expect(machine.handle(.received(.dataTF(S.data))) == [
            .send(S.providerAbort(.unexpectedPDU)), .indicate(.providerAborted(.unexpectedPDU)), .startARTIM,
        ])
        #expect(machine.state == .awaitingTransportClose)
    }

    // MARK: Release (AR-1 to AR-5)

    @Test func releaseRequestSendsReleaseRQ() {
        var machine = S.machine(in: .established)
        #expect(machine.handle(.releaseRequest) == [.send(.releaseRQ(ReleaseRQ()))])
        #expect(machine.state == .awaitingReleaseResponse)
    }

    @Test func releaseRQFromThePeerIsIndicated() {
        var machine = S.machine(in: .established, role: .acceptor)
        #expect(machine.handle(.received(.releaseRQ(ReleaseRQ()))) == [.indicate(.releaseRequested(collision: false))])
        #expect(machine.state == .awaitingLocalReleaseResponse)
    }

    @Test func releaseRPConfirmsAndClosesTransport() {
        var machine = S.machine(in: .awaitingReleaseResponse)
        #expect(machine.handle(.received(.releaseRP(ReleaseRP()))) == [.indicate(.releaseConfirmed), .closeTransport])
        #expect(machine.state == .idle)
    }

    @Test func releaseResponseSendsReleaseRPAndStartsARTIM() {
        var machine = S.machine(in: .awaitingLocalReleaseResponse, role: .acceptor)
        #expect(machine.handle(.releaseResponse) == [.send(.releaseRP(ReleaseRP())), .startARTIM])
        #expect(machine.state == .awaitingTransportClose)
    }

    @Test func transportClosedInSta13StopsARTIM() {
        var machine = S.machine(in: .awaitingTransportClose)
        #expect(machine.handle(.transportClosed) == [.stopARTIM])
        #expect(machine.state == .idle)
    }

    @Test func releaseRPWithoutARequestAborts() {
        var machine = S.machine(in: .established)
        #expect(machine.handle(.received(.releaseRP(ReleaseRP()))) == [
            .send(S.providerAbort(.unexpectedPDU)), .indicate(.providerAborted(.unexpectedPDU)), .startARTIM,
        ])
        #expect(machine.state == .awaitingTransportClose)
    }

    // MARK: Release collision (AR-8 to AR-10)

    @Test func releaseCollisionOnRequestorGoesToSta9() {
        var machine = S.machine(in: .awaitingReleaseResponse, role: .requestor)
        #expect(machine.handle(.received(.releaseRQ(ReleaseRQ()))) == [.indicate(.releaseRequested(collision: true))])
        #expect(machine.state == .releaseCollisionRequestorAwaitingLocalResponse)
        #expect(machine.state.number == 9)
    }

    @Test func releaseCollisionOnAcceptorGoesToSta10() {
        var machine = S.machine(in: .awaitingReleaseResponse, role: .acceptor)
        #expect(machine.handle(.received(.releaseRQ(ReleaseRQ()))) == [.indicate(.releaseRequested(collision: true))])
        #expect(machine.state == .releaseCollisionAcceptorAwaitingResponse)
        #expect(machine.state.number == 10)
    }

    @Test func requestorAnswersCollisionWithReleaseRPInSta9() {
        var machine = S.machine(in: .releaseCollisionRequestorAwaitingLocalResponse)
        #expect(machine.handle(.releaseResponse) == [.send(.releaseRP(ReleaseRP()))])
        #expect(machine.state == .releaseCollisionRequestorAwaitingResponse)
    }

    @Test func requestorClosesOnReleaseRPInSta11() {
        var machine = S.machine(in: .releaseCollisionRequestorAwaitingResponse)
        #expect(machine.handle(.received(.releaseRP(ReleaseRP()))) == [.indicate(.releaseConfirmed), .closeTransport])
        #expect(machine.state == .idle)
    }

    @Test func acceptorConfirmsOnReleaseRPInSta10() {
        var machine = S.machine(in: .releaseCollisionAcceptorAwaitingResponse, role: .acceptor)
        #expect(machine.handle(.received(.releaseRP(ReleaseRP()))) == [.indicate(.releaseConfirmed)])
        #expect(machine.state == .releaseCollisionAcceptorAwaitingLocalResponse)
    }

    @Test func acceptorIgnoresReleaseResponseBeforeItsReleaseIsConfirmed() {
        var machine = S.machine(in: .releaseCollisionAcceptorAwaitingResponse, role: .acceptor)
        #expect(machine.handle(.releaseResponse) == [])
        #expect(machine.state == .releaseCollisionAcceptorAwaitingResponse)
    }

    @Test func acceptorAnswersCollisionWithReleaseRPAndARTIMInSta12() {
        var machine = S.machine(in: .releaseCollisionAcceptorAwaitingLocalResponse, role: .acceptor)
        #expect(machine.handle(.releaseResponse) == [.send(.releaseRP(ReleaseRP())), .startARTIM])
        #expect(machine.state == .awaitingTransportClose)
    }

    @Test(arguments: [State.releaseCollisionRequestorAwaitingLocalResponse, .releaseCollisionAcceptorAwaitingLocalResponse])
    func releaseRPBeforeAnsweringTheCollisionAborts(state: State) {
        var machine = S.machine(in: state)
        #expect(machine.handle(.received(.releaseRP(ReleaseRP()))) == [
            .send(S.providerAbort(.unexpectedPDU)), .indicate(.providerAborted(.unexpectedPDU)), .startARTIM,
        ])
        #expect(machine.state == .awaitingTransportClose)
    }

    // MARK: Abort (AA-1 to AA-8)

    @Test(arguments: StateMachineSamples.associationStates)
    func localAbortSendsUserAbortAndStartsARTIM(state: State) {
        var machine = S.machine(in: state)
        #expect(machine.handle(.abortRequest) == [.send(.abort(S.userAbort)), .startARTIM])
        #expect(machine.state == .awaitingTransportClose)
    }

    @Test(arguments: [State.idle, .awaitingAssociateRequest, .awaitingTransportClose])
    func localAbortWithNoAssociationIsIgnored(state: State) {
        var machine = S.machine(in: state, role: .acceptor)
        #expect(machine.handle(.abortRequest) == [])
        #expect(machine.state == state)
    }

    @Test(arguments: StateMachineSamples.associationStates)
    func peerUserAbortIsIndicatedAndClosesTransport(state: State) {
        var machine = S.machine(in: state)
        #expect(machine.handle(.received(.abort(S.userAbort))) == [.indicate(.aborted(S.userAbort)), .closeTransport])
        #expect(machine.state == .idle)
    }

    @Test func peerProviderAbortIsIndicatedWithItsSourceAndReason() {
        var machine = S.machine(in: .established)
        #expect(machine.handle(.received(.abort(S.providerAbort))) == [.indicate(.aborted(S.providerAbort)), .closeTransport])
        #expect(machine.state == .idle)
    }

    @Test(arguments: [
        PDU.associateRQ(Fixtures.associateRQ), .associateAC(Fixtures.associateAC), .associateRJ(Fixtures.associateRJ),
        .releaseRP(ReleaseRP()),
    ])
    func unexpectedPDUInSta6Aborts(pdu: PDU) {
        var machine = S.machine(in: .established)
        #expect(machine.handle(.received(pdu)) == [
            .send(S.providerAbort(.unexpectedPDU)), .indicate(.providerAborted(.unexpectedPDU)), .startARTIM,
        ])
        #expect(machine.state == .awaitingTransportClose)
    }

    @Test(arguments: Abort.Reason.allCases)
    func invalidPDUInSta6AbortsWithItsReason(reason: Abort.Reason) {
        var machine = S.machine(in: .established)
        #expect(machine.handle(.invalidPDU(reason)) == [
            .send(S.providerAbort(reason)), .indicate(.providerAborted(reason)), .startARTIM,
        ])
        #expect(machine.state == .awaitingTransportClose)
    }

    @Test func secondAssociateRequestWhileAwaitingLocalResponseAborts() {
        var machine = S.machine(in: .awaitingLocalAssociateResponse, role: .acceptor)
        #expect(machine.handle(.received(.associateRQ(S.request))) == [
            .send(S.providerAbort(.unexpectedPDU)), .indicate(.providerAborted(.unexpectedPDU)), .startARTIM,
        ])
        #expect(machine.state == .awaitingTransportClose)
    }

    @Test func dataBeforeAssociateACAborts() {
        var machine = S.machine(in: .awaitingAssociateResponse)
        #expect(machine.handle(.received(.dataTF(S.data))) == [
            .send(S.providerAbort(.unexpectedPDU)), .indicate(.providerAborted(.unexpectedPDU)), .startARTIM,
        ])
        #expect(machine.state == .awaitingTransportClose)
    }

    // MARK: Sta13 (AA-2, AA-6, AA-7, AR-5)

    @Test(arguments: [
        PDU.associateAC(Fixtures.associateAC), .associateRJ(Fixtures.associateRJ), .dataTF(Fixtures.dataTF),
        .releaseRQ(ReleaseRQ()), .releaseRP(ReleaseRP()),
    ])
    func pduInSta13IsIgnored(pdu: PDU) {
        var machine = S.machine(in: .awaitingTransportClose)
        #expect(machine.handle(.received(pdu)) == [])
        #expect(machine.state == .awaitingTransportClose)
    }

    @Test func associateRQInSta13IsAnsweredWithAbort() {
        var machine = S.machine(in: .awaitingTransportClose)
        #expect(machine.handle(.received(.associateRQ(S.request))) == [.send(S.providerAbort(.unexpectedPDU))])
        #expect(machine.state == .awaitingTransportClose)
    }

    @Test func invalidPDUInSta13IsAnsweredWithAbortCarryingItsReason() {
        var machine = S.machine(in: .awaitingTransportClose)
        #expect(machine.handle(.invalidPDU(.unrecognizedPDU)) == [.send(S.providerAbort(.unrecognizedPDU))])
        #expect(machine.state == .awaitingTransportClose)
    }

    @Test func abortPDUInSta13ClosesTransport() {
        var machine = S.machine(in: .awaitingTransportClose)
        #expect(machine.handle(.received(.abort(S.userAbort))) == [.stopARTIM, .closeTransport])
        #expect(machine.state == .idle)
    }

    // MARK: ARTIM (Evt18)

    @Test func artimExpiryInSta2ClosesTransport() {
        var machine = S.machine(in: .awaitingAssociateRequest, role: .acceptor)
        #expect(machine.handle(.artimExpired) == [.stopARTIM, .closeTransport])
        #expect(machine.state == .idle)
    }

    @Test func artimExpiryInSta13ClosesTransport() {
        var machine = S.machine(in: .awaitingTransportClose)
        #expect(machine.handle(.artimExpired) == [.stopARTIM, .closeTransport])
        #expect(machine.state == .idle)
    }

    @Test(arguments: State.allCases.filter { !$0.isARTIMRunning })
    func staleARTIMExpiryIsIgnored(state: State) {
        var machine = S.machine(in: state)
        #expect(machine.handle(.artimExpired) == [])
        #expect(machine.state == state)
    }

    @Test func artimRunsOnlyInSta2AndSta13() {
        #expect(State.allCases.filter(\.isARTIMRunning) == [.awaitingAssociateRequest, .awaitingTransportClose])
    }

    // MARK: Transport closed (Evt17) in every state

    @Test(arguments: State.allCases)
    func transportClosedInEveryState(state: State) {
        var machine = S.machine(in: state)
        let actions = machine.handle(.transportClosed)
        switch state {
        case .idle:
            #expect(actions == [])      // our own close being reported
        case .awaitingAssociateRequest:
            #expect(actions == [.stopARTIM])        // AA-5
        case .awaitingTransportClose:
            #expect(actions == [.stopARTIM])        // AR-5
        case .awaitingLocalAssociateResponse, .awaitingTransportOpen, .awaitingAssociateResponse, .established,
             .awaitingReleaseResponse, .awaitingLocalReleaseResponse, .releaseCollisionRequestorAwaitingLocalResponse,
             .releaseCollisionAcceptorAwaitingResponse, .releaseCollisionRequestorAwaitingResponse,
             .releaseCollisionAcceptorAwaitingLocalResponse:
            #expect(actions == [.indicate(.providerAborted(.notSpecified))])       // AA-4
        }
        #expect(machine.state == .idle)
    }

    // MARK: Local primitives the table has no cell for

    @Test func localPrimitivesInSta1AreIgnored() {
        let events: [Machine.Event] = [
            .transportConnected, .associateAccept(S.accept), .associateReject(S.reject), .dataRequest(S.data),
            .releaseRequest, .releaseResponse, .abortRequest, .transportClosed, .artimExpired,
        ]
        for event in events {
            var machine = Machine()
            #expect(machine.handle(event) == [], "\(event)")
            #expect(machine.state == .idle)
            #expect(machine.role == nil)
        }
    }

    @Test func secondAssociateRequestOnAnEstablishedAssociationIsIgnored() {
        var machine = S.machine(in: .established)
        #expect(machine.handle(.associateRequest(S.request)) == [])
        #expect(machine.handle(.transportAccepted) == [])
        #expect(machine.state == .established)
        #expect(machine.role == .requestor)
    }

    // MARK: Whole associations

    @Test func requestorHappyPath() {
        var machine = Machine()
        let steps: [(Machine.Event, [Machine.Action], State)] = [
            (.associateRequest(S.request), [.openTransport], .awaitingTransportOpen),
            (.transportConnected, [.send(.associateRQ(S.request))], .awaitingAssociateResponse),
            (.received(.associateAC(S.accept)), [.indicate(.associateAccepted(S.accept))], .established),
            (.dataRequest(S.data), [.send(.dataTF(S.data))], .established),
            (.received(.dataTF(S.data)), [.indicate(.data(S.data))], .established),
            (.releaseRequest, [.send(.releaseRQ(ReleaseRQ()))], .awaitingReleaseResponse),
            (.received(.dataTF(S.data)), [.indicate(.data(S.data))], .awaitingReleaseResponse),
            (.received(.releaseRP(ReleaseRP())), [.indicate(.releaseConfirmed), .closeTransport], .idle),
            (.transportClosed, [], .idle),
        ]
        run(&machine, steps)
        #expect(machine.role == .requestor)
    }

    @Test func acceptorHappyPath() {
        var machine = Machine()
        let steps: [(Machine.Event, [Machine.Action], State)] = [
            (.transportAccepted, [.startARTIM], .awaitingAssociateRequest),
            (.received(.associateRQ(S.request)), [.stopARTIM, .indicate(.associateRequested(S.request))], .awaitingLocalAssociateResponse),
            (.associateAccept(S.accept), [.send(.associateAC(S.accept))], .established),
            (.received(.dataTF(S.data)), [.indicate(.data(S.data))], .established),
            (.dataRequest(S.data), [.send(.dataTF(S.data))], .established),
            (.received(.releaseRQ(ReleaseRQ())), [.indicate(.releaseRequested(collision: false))], .awaitingLocalReleaseResponse),
            (.dataRequest(S.data), [.send(.dataTF(S.data))], .awaitingLocalReleaseResponse),
            (.releaseResponse, [.send(.releaseRP(ReleaseRP())), .startARTIM], .awaitingTransportClose),
            (.transportClosed, [.stopARTIM], .idle),
        ]
        run(&machine, steps)
        #expect(machine.role == .acceptor)
    }

    @Test func acceptorWhosePeerNeverClosesGivesUpOnARTIM() {
        var machine = S.machine(in: .awaitingLocalReleaseResponse, role: .acceptor)
        run(&machine, [
            (.releaseResponse, [.send(.releaseRP(ReleaseRP())), .startARTIM], .awaitingTransportClose),
            (.received(.dataTF(S.data)), [], .awaitingTransportClose),
            (.artimExpired, [.stopARTIM, .closeTransport], .idle),
            (.transportClosed, [], .idle),
        ])
    }

    @Test func requestorReleaseCollisionToCompletion() {
        var machine = S.machine(in: .established, role: .requestor)
        run(&machine, [
            (.releaseRequest, [.send(.releaseRQ(ReleaseRQ()))], .awaitingReleaseResponse),
            (.received(.releaseRQ(ReleaseRQ())), [.indicate(.releaseRequested(collision: true))], .releaseCollisionRequestorAwaitingLocalResponse),
            (.releaseResponse, [.send(.releaseRP(ReleaseRP()))], .releaseCollisionRequestorAwaitingResponse),
            (.received(.releaseRP(ReleaseRP())), [.indicate(.releaseConfirmed), .closeTransport], .idle),
        ])
    }

    @Test func acceptorReleaseCollisionToCompletion() {
        var machine = S.machine(in: .established, role: .acceptor)
        run(&machine, [
            (.releaseRequest, [.send(.releaseRQ(ReleaseRQ()))], .awaitingReleaseResponse),
            (.received(.releaseRQ(ReleaseRQ())), [.indicate(.releaseRequested(collision: true))], .releaseCollisionAcceptorAwaitingResponse),
            (.received(.releaseRP(ReleaseRP())), [.indicate(.releaseConfirmed)], .releaseCollisionAcceptorAwaitingLocalResponse),
            (.releaseResponse, [.send(.releaseRP(ReleaseRP())), .startARTIM], .awaitingTransportClose),
            (.transportClosed, [.stopARTIM], .idle),
        ])
    }

    /// Both machines of one association, wired back to back: each PDU one sends is the
    /// other's received event. Both ask to release at once and both end in Sta1.
    @Test func releaseCollisionBetweenTwoMachinesEndsBothInSta1() {
        var requestor = S.machine(in: .established, role: .requestor)
        var acceptor = S.machine(in: .established, role: .acceptor)
        let requestorRQ = requestor.handle(.releaseRequest)
        let acceptorRQ = acceptor.handle(.releaseRequest)
        #expect(requestorRQ == [.send(.releaseRQ(ReleaseRQ()))] && acceptorRQ == [.send(.releaseRQ(ReleaseRQ()))])

        #expect(requestor.handle(.received(.releaseRQ(ReleaseRQ()))) == [.indicate(.releaseRequested(collision: true))])
        #expect(acceptor.handle(.received(.releaseRQ(ReleaseRQ()))) == [.indicate(.releaseRequested(collision: true))])

        // PS3.8 7.2: the requestor answers first; the acceptor answers once confirmed.
        #expect(acceptor.handle(.releaseResponse) == [])
        #expect(requestor.handle(.releaseResponse) == [.send(.releaseRP(ReleaseRP()))])
        #expect(acceptor.handle(.received(.releaseRP(ReleaseRP()))) == [.indicate(.releaseConfirmed)])
        #expect(acceptor.handle(.releaseResponse) == [.send(.releaseRP(ReleaseRP())), .startARTIM])
        #expect(requestor.handle(.received(.releaseRP(ReleaseRP()))) == [.indicate(.releaseConfirmed), .closeTransport])
        #expect(acceptor.handle(.transportClosed) == [.stopARTIM])
        #expect(requestor.state == .idle && acceptor.state == .idle)
    }

    @Test func machineCanServeASecondAssociationAfterReturningToSta1() {
        var machine = Machine()
        _ = machine.handle(.transportAccepted)
        _ = machine.handle(.artimExpired)
        #expect(machine.state == .idle)
        #expect(machine.handle(.associateRequest(S.request)) == [.openTransport])
        #expect(machine.role == .requestor)
    }

    private func run(
        _ machine: inout Machine,
        _ steps: [(Machine.Event, [Machine.Action], State)],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for (index, (event, actions, state)) in steps.enumerated() {
            let from = machine.state
            #expect(machine.handle(event) == actions, "step \(index): \(from) + Evt\(event.number)", sourceLocation: sourceLocation)
            #expect(machine.state == state, "step \(index): \(from) + Evt\(event.number)", sourceLocation: sourceLocation)
        }
    }
}
