import NIOCore
import NIOSSL

/// Runs one association on a channel: PDUs in and out, the PS3.8 9.2 state machine, the ARTIM
/// timer, the negotiated maximum length, and DIMSE reassembly and fragmentation.
///
/// The state machine owns the rules; this handler only carries out its actions. Above it, the
/// upper layer sees `AssociationEvent`s and writes `AssociationCommand`s (usually through an
/// `NIOAsyncChannel`). Below it sit `PDUFrameDecoder` and `PDUFrameEncoder`.
public final class AssociationHandler: ChannelDuplexHandler {
    public typealias InboundIn = PDU
    public typealias InboundOut = AssociationEvent
    public typealias OutboundIn = AssociationCommand
    public typealias OutboundOut = PDU

    public enum Side: Sendable { case requestor, acceptor }

    private let side: Side
    private let artimTimeout: TimeAmount
    private var machine = AssociationStateMachine()
    private var assembler = DIMSEMessageAssembler()
    private var artim: Scheduled<Void>?
    private var request: AssociateRQ?
    /// Largest P-DATA-TF variable field we receive (we advertised it); 0 is unlimited.
    private var localMaximumLength: UInt32 = 0
    /// Sizes outbound fragments to what the peer receives; set once the association is established.
    private var fragmenter: PDVFragmenter?
    /// Set when this side aborted, so the event carries our reason rather than a bare transport close.
    private var localAbortDetail: String?
    /// Set when that abort was for the peer's input (an oversized or undecodable PDU or DIMSE
    /// message): the end is reported as a protocol violation.
    private var peerBrokeProtocol = false
    /// The TLS error that ended the connection, if that is what ended it.
    private var transportSecurityFailure: String?
    private var reportedEnd = false

    /// `artimTimeout` bounds every wait PS3.8 gives the ARTIM timer: for the A-ASSOCIATE-RQ after
    /// a connection is accepted, and for the peer to close after a reject, release or abort. The
    /// requestor also waits at most this long for the A-ASSOCIATE-AC.
    public init(side: Side, artimTimeout: TimeAmount = .seconds(30)) {
        self.side = side
        self.artimTimeout = artimTimeout
    }

    public func channelActive(context: ChannelHandlerContext) {
        if side == .acceptor {
            perform(machine.handle(.transportAccepted), context: context)
        }
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        cancelARTIM()
        perform(machine.handle(.transportClosed), context: context)
        if !reportedEnd {
            reportedEnd = true
            if let failure = transportSecurityFailure {
                context.fireChannelRead(wrapInboundOut(.aborted(.transportSecurity(detail: failure))))
            } else {
                let detail = localAbortDetail ?? "the connection closed before the association was released"
                context.fireChannelRead(wrapInboundOut(.aborted(peerBrokeProtocol ? .protocolViolation(detail: detail) : .byProvider(.notSpecified, detail: detail))))
            }
        }
        context.fireChannelInactive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let pdu = unwrapInboundIn(data)
        if case let .dataTF(pdata) = pdu, localMaximumLength != 0 {
            // PS3.8 D.1: the maximum length bounds the P-DATA-TF variable field, PDV headers included.
            let length = pdata.values.reduce(0) { $0 + 6 + $1.data.readableBytes }
            if length > Int(localMaximumLength) {
                peerBrokeProtocol = true
                localAbortDetail = "the peer sent a P-DATA-TF of \(length) bytes, over the \(localMaximumLength) negotiated"
                perform(machine.handle(.invalidPDU(.invalidPDUParameterValue)), context: context)
                return
            }
        }
        perform(machine.handle(.received(pdu)), context: context)
    }

    public func errorCaught(context: ChannelHandlerContext, error: Error) {
        switch error {
        case let error as PDUDecodingError:
            peerBrokeProtocol = true
            localAbortDetail = "the peer sent an invalid PDU: \(error)"
            perform(machine.handle(.invalidPDU(Self.abortReason(for: error))), context: context)
        case ByteToMessageDecoderError.leftoverDataWhenDone:
            // The peer closed mid-PDU; channelInactive reports the end.
            break
        case is NIOSSLError, is BoringSSLError:
            transportSecurityFailure = "\(error)"
            context.close(promise: nil)
        default:
            localAbortDetail = "transport error: \(error)"
            context.close(promise: nil)
        }
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let command = unwrapOutboundIn(data)
        var actions: [AssociationStateMachine.Action] = []
        switch command {
        case let .request(rq):
            request = rq
            localMaximumLength = rq.userInformation.maximumLength ?? 0
            actions = machine.handle(.associateRequest(rq))
            if actions.contains(.openTransport) {
                // The channel is the transport and it is already open: confirm at once (Evt2).
                actions.removeAll { $0 == .openTransport }
                actions += machine.handle(.transportConnected)
                startARTIM(context: context)
            }
        case let .accept(ac, negotiated):
            localMaximumLength = negotiated.acceptorMaximumLength
            fragmenter = PDVFragmenter(peerMaximumLength: negotiated.requestorMaximumLength)
            actions = machine.handle(.associateAccept(ac))
        case let .reject(rj):
            actions = machine.handle(.associateReject(rj))
        case let .command(command, contextID):
            guard let fragmenter else { return fail(promise, "sending a DIMSE command") }
            for pdata in fragmenter.pdus(for: command.encoded(), presentationContextID: contextID, isCommand: true) {
                actions += machine.handle(.dataRequest(pdata))
            }
        case let .dataSetFragment(bytes, contextID, isLast):
            guard let fragmenter else { return fail(promise, "sending a data set") }
            actions = sendData(bytes, contextID: contextID, isLast: isLast, fragmenter: fragmenter)
        case .release:
            actions = machine.handle(.releaseRequest)
        case .releaseResponse:
            actions = machine.handle(.releaseResponse)
        case .abort:
            localAbortDetail = "this side aborted the association"
            actions = machine.handle(.abortRequest)
        }
        let sent = actions.contains { if case .send = $0 { true } else { false } }
        if !sent, promise != nil {
            // Nothing went out (e.g. data after the association ended): say so rather than hang.
            perform(actions, context: context)
            return fail(promise, "sending \(command.summary) in state Sta\(machine.state.number)")
        }
        perform(actions, context: context, lastWritePromise: promise)
        if case .releaseResponse = command, case .awaitingTransportClose = machine.state, !reportedEnd {
            // AR-4 sent our A-RELEASE-RP: for this side the association is released; the peer
            // now closes the transport (or ARTIM closes it for them).
            reportedEnd = true
            context.fireChannelRead(wrapInboundOut(.released))
        }
    }

    private func sendData(_ bytes: ByteBuffer, contextID: UInt8, isLast: Bool, fragmenter: PDVFragmenter) -> [AssociationStateMachine.Action] {
        var actions: [AssociationStateMachine.Action] = []
        var rest = bytes
        repeat {
            let size = min(rest.readableBytes, fragmenter.maximumFragmentSize)
            let chunk = rest.readSlice(length: size)!
            let last = isLast && rest.readableBytes == 0
            actions += machine.handle(.dataRequest(fragmenter.pdu(for: chunk, presentationContextID: contextID, isCommand: false, isLast: last)))
        } while rest.readableBytes > 0
        return actions
    }

    private func fail(_ promise: EventLoopPromise<Void>?, _ what: String) {
        promise?.fail(AssociationError.notEstablished(what))
    }

    /// Carries out the state machine's actions in order. The promise, if any, completes with
    /// the last PDU written.
    private func perform(_ actions: [AssociationStateMachine.Action], context: ChannelHandlerContext, lastWritePromise: EventLoopPromise<Void>? = nil) {
        let lastSend = actions.lastIndex { if case .send = $0 { true } else { false } }
        var wrote = false
        for (index, action) in actions.enumerated() {
            switch action {
            case let .send(pdu):
                context.write(wrapOutboundOut(pdu), promise: index == lastSend ? lastWritePromise : nil)
                wrote = true
            case .startARTIM:
                startARTIM(context: context)
            case .stopARTIM:
                cancelARTIM()
            case .closeTransport:
                if wrote { context.flush(); wrote = false }
                context.close(promise: nil)
            case .openTransport:
                // Only a requestor opens a transport, and its channel is already open (see write).
                break
            case let .indicate(indication):
                deliver(indication, context: context)
            }
        }
        if wrote { context.flush() }
    }

    private func deliver(_ indication: AssociationStateMachine.Indication, context: ChannelHandlerContext) {
        switch indication {
        case let .associateRequested(rq):
            context.fireChannelRead(wrapInboundOut(.associationRequested(rq)))
        case let .associateAccepted(ac):
            cancelARTIM()
            guard let request else { return }
            do {
                let negotiated = try NegotiatedAssociation(request: request, accept: ac)
                fragmenter = PDVFragmenter(peerMaximumLength: negotiated.acceptorMaximumLength)
                context.fireChannelRead(wrapInboundOut(.established(negotiated)))
            } catch {
                localAbortDetail = "the peer's A-ASSOCIATE-AC is unusable: \(error)"
                perform(machine.handle(.abortRequest), context: context)
            }
        case let .associateRejected(rj):
            cancelARTIM()
            reportedEnd = true
            context.fireChannelRead(wrapInboundOut(.rejected(rj)))
        case let .data(pdata):
            do {
                for output in try assembler.received(pdata) {
                    switch output {
                    case let .command(command, contextID):
                        context.fireChannelRead(wrapInboundOut(.command(command, presentationContextID: contextID)))
                    case let .dataSetFragment(bytes, _, isLast):
                        context.fireChannelRead(wrapInboundOut(.dataSetFragment(bytes, isLast: isLast)))
                    }
                }
            } catch {
                // PS3.7 allows no recovery from a malformed message stream: abort.
                peerBrokeProtocol = true
                localAbortDetail = "the peer sent an invalid DIMSE message: \(error)"
                perform(machine.handle(.abortRequest), context: context)
            }
        case .releaseRequested:
            context.fireChannelRead(wrapInboundOut(.releaseRequested))
        case .releaseConfirmed:
            reportedEnd = true
            context.fireChannelRead(wrapInboundOut(.released))
        case let .aborted(abort):
            reportedEnd = true
            context.fireChannelRead(wrapInboundOut(.aborted(.byPeer(abort))))
        case let .providerAborted(reason):
            reportedEnd = true
            let detail = localAbortDetail ?? "the association was aborted by the provider (\(reason))"
            context.fireChannelRead(wrapInboundOut(.aborted(peerBrokeProtocol ? .protocolViolation(detail: detail) : .byProvider(reason, detail: detail))))
        }
    }

    private func startARTIM(context: ChannelHandlerContext) {
        cancelARTIM()
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        artim = context.eventLoop.scheduleTask(in: artimTimeout) {
            let (handler, context) = bound.value
            handler.artim = nil
            if handler.localAbortDetail == nil {
                handler.localAbortDetail = "the peer was silent for \(handler.artimTimeout.nanoseconds / 1_000_000_000) s (ARTIM timer)"
            }
            if case .awaitingAssociateResponse = handler.machine.state {
                // PS3.8 has no timer for the A-ASSOCIATE-AC; a requestor must not wait forever.
                handler.perform(handler.machine.handle(.abortRequest), context: context)
            } else {
                handler.perform(handler.machine.handle(.artimExpired), context: context)
            }
        }
    }

    private func cancelARTIM() {
        artim?.cancel()
        artim = nil
    }

    /// The A-ABORT reason for a decoding failure (PS3.8 Table 9-26).
    static func abortReason(for error: PDUDecodingError) -> Abort.Reason {
        switch error {
        case .unrecognizedPDUType: .unrecognizedPDU
        case .unexpectedItem, .duplicateItem, .missingItem: .unexpectedPDUParameter
        case .invalidFieldValue, .invalidAETitle, .pduTooLong: .invalidPDUParameterValue
        case .invalidPDULength, .truncated, .itemOverrun, .invalidItemLength, .invalidPDVLength, .pdvOverrun, .emptyPDataTF:
            .unrecognizedPDUParameter
        }
    }
}

extension AssociationCommand {
    /// For messages: which command, without its data.
    var summary: String {
        switch self {
        case .request: "an A-ASSOCIATE-RQ"
        case .accept: "an A-ASSOCIATE-AC"
        case .reject: "an A-ASSOCIATE-RJ"
        case .command: "a DIMSE command"
        case .dataSetFragment: "a data set"
        case .release: "an A-RELEASE-RQ"
        case .releaseResponse: "an A-RELEASE-RP"
        case .abort: "an A-ABORT"
        }
    }
}
