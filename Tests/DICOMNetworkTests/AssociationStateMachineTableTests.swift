@testable import DICOMNetwork
import Testing

/// Drives every (state, event) pair against PS3.8 Table 9-10 transcribed here cell by cell,
/// independently of the machine's own code, with the actions of Tables 9-6 to 9-9.
@Suite("Association state machine against the whole of PS3.8 Table 9-10")
struct AssociationStateMachineTableTests {
    typealias Machine = AssociationStateMachine
    typealias State = AssociationStateMachine.State
    typealias Event = AssociationStateMachine.Event
    typealias Action = AssociationStateMachine.Action
    private typealias S = StateMachineSamples

    /// PS3.8 Table 9-10: one row per event Evt1…Evt19, one column per state Sta1…Sta13; an
    /// empty string is a blank cell.
    static let table: [Int: [String]] = [
        1: ["AE-1", "", "", "", "", "", "", "", "", "", "", "", ""],
        2: ["", "", "", "AE-2", "", "", "", "", "", "", "", "", ""],
        3: ["", "AA-1", "AA-8", "", "AE-3", "AA-8", "AA-8", "AA-8", "AA-8", "AA-8", "AA-8", "AA-8", "AA-6"],
        4: ["", "AA-1", "AA-8", "", "AE-4", "AA-8", "AA-8", "AA-8", "AA-8", "AA-8", "AA-8", "AA-8", "AA-6"],
        5: ["AE-5", "", "", "", "", "", "", "", "", "", "", "", ""],
        6: ["", "AE-6", "AA-8", "", "AA-8", "AA-8", "AA-8", "AA-8", "AA-8", "AA-8", "AA-8", "AA-8", "AA-7"],
        7: ["", "", "AE-7", "", "", "", "", "", "", "", "", "", ""],
        8: ["", "", "AE-8", "", "", "", "", "", "", "", "", "", ""],
        9: ["", "", "", "", "", "DT-1", "", "AR-7", "", "", "", "", ""],
        10: ["", "AA-1", "AA-8", "", "AA-8", "DT-2", "AR-6", "AA-8", "AA-8", "AA-8", "AA-8", "AA-8", "AA-6"],
        11: ["", "", "", "", "", "AR-1", "", "", "", "", "", "", ""],
        12: ["", "AA-1", "AA-8", "", "AA-8", "AR-2", "AR-8", "AA-8", "AA-8", "AA-8", "AA-8", "AA-8", "AA-6"],
        13: ["", "AA-1", "AA-8", "", "AA-8", "AA-8", "AR-3", "AA-8", "AA-8", "AR-10", "AR-3", "AA-8", "AA-6"],
        14: ["", "", "", "", "", "", "", "AR-4", "AR-9", "", "", "AR-4", ""],
        15: ["", "", "AA-1", "AA-2", "AA-1", "AA-1", "AA-1", "AA-1", "AA-1", "AA-1", "AA-1", "AA-1", ""],
        16: ["", "AA-2", "AA-3", "", "AA-3", "AA-3", "AA-3", "AA-3", "AA-3", "AA-3", "AA-3", "AA-3", "AA-2"],
        17: ["", "AA-5", "AA-4", "AA-4", "AA-4", "AA-4", "AA-4", "AA-4", "AA-4", "AA-4", "AA-4", "AA-4", "AR-5"],
        18: ["", "AA-2", "", "", "", "", "", "", "", "", "", "", "AA-2"],
        19: ["", "AA-1", "AA-8", "", "AA-8", "AA-8", "AA-8", "AA-8", "AA-8", "AA-8", "AA-8", "AA-8", "AA-7"],
    ]

    /// At least one event of each of the 19 kinds, with the payload variants that change the
    /// outcome (protocol version, abort source, invalid-PDU reason).
    static let events: [Event] = [
        .associateRequest(S.request), .transportConnected,
        .received(.associateAC(S.accept)), .received(.associateRJ(S.reject)),
        .transportAccepted,
        .received(.associateRQ(S.request)), .received(.associateRQ(S.version2Request)),
        .associateAccept(S.accept), .associateReject(S.reject),
        .dataRequest(S.data), .received(.dataTF(S.data)),
        .releaseRequest, .received(.releaseRQ(ReleaseRQ())), .received(.releaseRP(ReleaseRP())), .releaseResponse,
        .abortRequest, .received(.abort(S.userAbort)), .received(.abort(S.providerAbort)),
        .transportClosed, .artimExpired,
    ] + Abort.Reason.allCases.map { .invalidPDU($0) }

    @Test func tableHasEveryCell() {
        #expect(Set(Self.table.keys) == Set(1...19))
        #expect(Self.table.values.allSatisfy { $0.count == 13 })
        #expect(Set(Self.events.map(\.number)) == Set(1...19))
    }

    @Test(arguments: State.allCases, [Machine.Role.requestor, .acceptor, nil])
    func everyEventInEveryStateFollowsTheTable(state: State, role: Machine.Role?) {
        for event in Self.events {
            var machine = S.machine(in: state, role: role)
            let cell = Self.table[event.number]![state.number - 1]
            let actions = machine.handle(event)
            let context = Comment(rawValue: "\(state) + Evt\(event.number) (\(cell.isEmpty ? "blank" : cell)), role \(String(describing: role)): \(event)")

            #expect((1...13).contains(machine.state.number), context)
            guard let (expectedActions, expectedState) = Self.outcome(of: cell, for: event, from: state, role: role) else {
                Issue.record("no outcome for \(cell): \(context.rawValue)")
                continue
            }
            #expect(actions == expectedActions, context)
            #expect(machine.state == expectedState, context)
            let expectedRole: Machine.Role? = switch cell {
            case "AE-1": .requestor
            case "AE-5": .acceptor
            default: role
            }
            #expect(machine.role == expectedRole, context)
        }
    }

    /// Random walks from Sta1 through any events at all, checking what must hold whatever
    /// the peer and the local user do.
    @Test(arguments: 0..<8)
    func randomWalksKeepTheInvariants(seed: UInt64) {
        var random = SplitMix64(seed: 0x5EED_0000 + seed)
        for _ in 0..<100 {
            var machine = Machine()
            var artimRunning = false
            for step in 0..<60 {
                let event = Self.events[Int(random.next() % UInt64(Self.events.count))]
                let from = machine.state
                if event == .artimExpired { artimRunning = false }     // the timer fired (or was stale)
                let actions = machine.handle(event)
                let context = Comment(rawValue: "seed \(seed) step \(step): \(from) + Evt\(event.number) -> \(machine.state) \(actions)")

                for action in actions {
                    switch action {
                    case .startARTIM: artimRunning = true
                    case .stopARTIM: artimRunning = false
                    case .openTransport: #expect(from == .idle, context)
                    case .send: #expect(from != .idle && (from != .awaitingTransportOpen || event == .transportConnected), context)
                    case .closeTransport: #expect(machine.state == .idle, context)
                    case .indicate: break
                    }
                }
                #expect(artimRunning == machine.state.isARTIMRunning, context)
            }
        }
    }

    /// What Tables 9-6 to 9-9 say action `name` does for `event` in `state`.
    static func outcome(of name: String, for event: Event, from state: State, role: Machine.Role?) -> ([Action], State)? {
        switch (name, event) {
        case ("", _):
            return ([], state)
        case ("AE-1", .associateRequest):
            return ([.openTransport], .awaitingTransportOpen)
        case ("AE-2", .transportConnected):
            return ([.send(.associateRQ(S.request))], .awaitingAssociateResponse)
        case let ("AE-3", .received(.associateAC(accept))):
            return ([.indicate(.associateAccepted(accept))], .established)
        case let ("AE-4", .received(.associateRJ(reject))):
            return ([.indicate(.associateRejected(reject)), .closeTransport], .idle)
        case ("AE-5", .transportAccepted):
            return ([.startARTIM], .awaitingAssociateRequest)
        case let ("AE-6", .received(.associateRQ(request))):
            if request.protocolVersion & 1 == 1 {
                return ([.stopARTIM, .indicate(.associateRequested(request))], .awaitingLocalAssociateResponse)
            }
            let reject = AssociateRJ(result: .rejectedPermanent, source: .serviceProviderACSE(.protocolVersionNotSupported))
            return ([.stopARTIM, .send(.associateRJ(reject)), .startARTIM], .awaitingTransportClose)
        case let ("AE-7", .associateAccept(accept)):
            return ([.send(.associateAC(accept))], .established)
        case let ("AE-8", .associateReject(reject)):
            return ([.send(.associateRJ(reject)), .startARTIM], .awaitingTransportClose)
        case let ("DT-1", .dataRequest(data)):
            return ([.send(.dataTF(data))], .established)
        case let ("DT-2", .received(.dataTF(data))):
            return ([.indicate(.data(data))], .established)
        case ("AR-1", .releaseRequest):
            return ([.send(.releaseRQ(ReleaseRQ()))], .awaitingReleaseResponse)
        case ("AR-2", .received(.releaseRQ)):
            return ([.indicate(.releaseRequested(collision: false))], .awaitingLocalReleaseResponse)
        case ("AR-3", .received(.releaseRP)):
            return ([.indicate(.releaseConfirmed), .closeTransport], .idle)
        case ("AR-4", .releaseResponse):
            return ([.send(.releaseRP(ReleaseRP())), .startARTIM], .awaitingTransportClose)
        case ("AR-5", .transportClosed):
            return ([.stopARTIM], .idle)
        case let ("AR-6", .received(.dataTF(data))):
            return ([.indicate(.data(data))], .awaitingReleaseResponse)
        case let ("AR-7", .dataRequest(data)):
            return ([.send(.dataTF(data))], .awaitingLocalReleaseResponse)
        case ("AR-8", .received(.releaseRQ)):
            let next: State = role == .requestor ? .releaseCollisionRequestorAwaitingLocalResponse : .releaseCollisionAcceptorAwaitingResponse
            return ([.indicate(.releaseRequested(collision: true))], next)
        case ("AR-9", .releaseResponse):
            return ([.send(.releaseRP(ReleaseRP()))], .releaseCollisionRequestorAwaitingResponse)
        case ("AR-10", .received(.releaseRP)):
            return ([.indicate(.releaseConfirmed)], .releaseCollisionAcceptorAwaitingLocalResponse)
        case ("AA-1", _):
            return ([.send(.abort(Abort(source: .serviceUser, reason: .notSpecified))), .startARTIM], .awaitingTransportClose)
        case ("AA-2", _):
            let stop: [Action] = state == .awaitingAssociateRequest || state == .awaitingTransportClose ? [.stopARTIM] : []
            return (stop + [.closeTransport], .idle)
        case let ("AA-3", .received(.abort(abort))):
            return ([.indicate(.aborted(abort)), .closeTransport], .idle)
        case ("AA-4", .transportClosed):
            return ([.indicate(.providerAborted(.notSpecified))], .idle)
        case ("AA-5", .transportClosed):
            return ([.stopARTIM], .idle)
        case ("AA-6", .received):
            return ([], .awaitingTransportClose)
        case ("AA-7", _):
            return ([.send(.abort(Abort(source: .serviceProvider, reason: abortReason(event))))], .awaitingTransportClose)
        case ("AA-8", _):
            let reason = abortReason(event)
            return ([.send(.abort(Abort(source: .serviceProvider, reason: reason))), .indicate(.providerAborted(reason)), .startARTIM], .awaitingTransportClose)
        default:
            return nil
        }
    }

    /// The A-ABORT reason for AA-7 and AA-8: the decoder's for Evt19, unexpected PDU otherwise.
    static func abortReason(_ event: Event) -> Abort.Reason {
        if case let .invalidPDU(reason) = event { reason } else { .unexpectedPDU }
    }
}
