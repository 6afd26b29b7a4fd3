import DICOMNetwork
import NIOCore
import NIOEmbedded
import NIOSSL
import Testing

/// The association handler in a pipeline with the PDU codec: bytes in, events and bytes out,
/// with the embedded event loop's clock driving ARTIM.
@Suite("Association handler")
struct AssociationHandlerTests {
    private func makeAcceptor(artim: TimeAmount = .seconds(30)) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(PDUFrameDecoder()))
        try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(PDUFrameEncoder()))
        try channel.pipeline.syncOperations.addHandler(AssociationHandler(side: .acceptor, artimTimeout: artim))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 104)).wait()
        return channel
    }

    private func request() throws -> AssociateRQ {
        var proposal = AssociationProposal(callingAETitle: try AETitle("SCU"), calledAETitle: try AETitle("RAMPART"),
                                           contexts: [.init(abstractSyntax: Fixtures.verification, transferSyntaxes: [Fixtures.implicitVRLittleEndian])])
        proposal.maximumLength = 16_384
        return try proposal.request()
    }

    private func send(_ pdu: PDU, to channel: EmbeddedChannel) throws {
        var buffer = ByteBuffer()
        try PDUEncoder().encode(pdu, into: &buffer)
        try channel.writeInbound(buffer)
    }

    private func outboundPDUs(_ channel: EmbeddedChannel) throws -> [PDU] {
        var pdus: [PDU] = []
        while var buffer = try channel.readOutbound(as: ByteBuffer.self) {
            while let pdu = try PDUDecoder().decodePDU(from: &buffer) { pdus.append(pdu) }
        }
        return pdus
    }

    /// Accepts the verification context and returns the negotiated terms.
    private func establish(_ channel: EmbeddedChannel) throws -> NegotiatedAssociation {
        let rq = try request()
        try send(.associateRQ(rq), to: channel)
        guard case .associationRequested? = try channel.readInbound(as: AssociationEvent.self) else {
            Issue.record("no association request event")
            throw CancellationError()
        }
        var configuration = AcceptorConfiguration(aeTitle: try AETitle("RAMPART"),
                                                  abstractSyntaxes: [Fixtures.verification: AbstractSyntaxSupport(transferSyntaxes: [Fixtures.implicitVRLittleEndian])])
        configuration.maximumLength = 16_384
        guard case let .accept(ac, negotiated) = AssociationNegotiator.answer(rq, configuration: configuration) else {
            Issue.record("negotiation rejected")
            throw CancellationError()
        }
        try channel.writeOutbound(AssociationCommand.accept(ac, negotiated))
        #expect(try outboundPDUs(channel) == [.associateAC(ac)])
        return negotiated
    }

    @Test func artimClosesAConnectionThatNeverSendsAnAssociateRequest() throws {
        let channel = try makeAcceptor(artim: .seconds(5))
        channel.embeddedEventLoop.advanceTime(by: .seconds(4))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
        guard case .aborted? = try channel.readInbound(as: AssociationEvent.self) else {
            Issue.record("the upper layer was not told the connection ended")
            return
        }
    }

    @Test func garbageIsAnsweredWithAnAbortAndTheConnectionClosesAfterARTIM() throws {
        let channel = try makeAcceptor(artim: .seconds(5))
        _ = try? channel.writeInbound(ByteBuffer(bytes: [0x47, 0x45, 0x54, 0x20, 0x2F, 0x20, 0x48, 0x54, 0x54, 0x50]))
        let sent = try outboundPDUs(channel)
        #expect(sent.count == 1)
        if case let .abort(abort)? = sent.first {
            #expect(abort.source == .serviceProvider || abort.source == .serviceUser)
        } else {
            Issue.record("expected an A-ABORT, got \(sent)")
        }
        channel.embeddedEventLoop.advanceTime(by: .seconds(6))
        #expect(!channel.isActive)
    }

    @Test func echoRequestBecomesACommandEventAndTheResponseIsFragmented() throws {
        let channel = try makeAcceptor()
        let negotiated = try establish(channel)
        let contextID = try #require(negotiated.acceptedContexts.keys.first)
        let echo = DIMSECommand.echoRequest(messageID: 7)
        try send(.dataTF(PDataTF(values: [PresentationDataValue(presentationContextID: contextID, isCommand: true, isLastFragment: true, data: echo.encoded())])), to: channel)
        guard case let .command(command, id)? = try channel.readInbound(as: AssociationEvent.self) else {
            Issue.record("no command event")
            return
        }
        #expect(command.commandField == .cEchoRQ)
        #expect(command.messageID == 7)
        #expect(id == contextID)
        try channel.writeOutbound(AssociationCommand.command(.echoResponse(to: command, status: .success), presentationContextID: contextID))
        guard case let .dataTF(pdata)? = try outboundPDUs(channel).first, let pdv = pdata.values.first else {
            Issue.record("no P-DATA-TF sent")
            return
        }
        #expect(pdv.isCommand && pdv.isLastFragment)
        #expect(try DIMSECommand(decoding: pdv.data).messageIDBeingRespondedTo == 7)
    }

    @Test func aPDataLongerThanTheNegotiatedMaximumIsAborted() throws {
        let channel = try makeAcceptor()
        let negotiated = try establish(channel)
        let contextID = try #require(negotiated.acceptedContexts.keys.first)
        let oversized = ByteBuffer(repeating: 0, count: 16_384)
        try send(.dataTF(PDataTF(values: [PresentationDataValue(presentationContextID: contextID, isCommand: false, isLastFragment: false, data: oversized)])), to: channel)
        let sent = try outboundPDUs(channel)
        guard case let .abort(abort)? = sent.first else {
            Issue.record("expected an A-ABORT, got \(sent)")
            return
        }
        #expect(abort.source == .serviceProvider)
        #expect(abort.reason == .invalidPDUParameterValue)
        guard case let .aborted(.protocolViolation(detail))? = try channel.readInbound(as: AssociationEvent.self) else {
            Issue.record("the upper layer was not told of a protocol violation")
            return
        }
        #expect(detail.contains("16390"))
    }

    @Test func aTLSFailureIsReportedAsASecurityFailure() throws {
        let channel = try makeAcceptor()
        // What NIOSSL fires when a peer's certificate does not verify.
        // The handler closes the connection itself.
        channel.pipeline.fireErrorCaught(NIOSSLError.handshakeFailed(.sslError([])))
        guard case let .aborted(.transportSecurity(detail))? = try channel.readInbound(as: AssociationEvent.self) else {
            Issue.record("the upper layer was not told of a TLS failure")
            return
        }
        #expect(detail.contains("handshakeFailed"))
    }

    @Test func releaseRequestIsAnsweredAndReportedAsReleased() throws {
        let channel = try makeAcceptor()
        _ = try establish(channel)
        try send(.releaseRQ(ReleaseRQ()), to: channel)
        guard case .releaseRequested? = try channel.readInbound(as: AssociationEvent.self) else {
            Issue.record("no release request event")
            return
        }
        try channel.writeOutbound(AssociationCommand.releaseResponse)
        #expect(try outboundPDUs(channel) == [.releaseRP(ReleaseRP())])
        guard case .released? = try channel.readInbound(as: AssociationEvent.self) else {
            Issue.record("no released event")
            return
        }
    }

    @Test func dataAfterTheAssociationEndedFailsTheWriteInsteadOfHanging() throws {
        let channel = try makeAcceptor()
        let promise = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(AssociationCommand.command(.echoRequest(messageID: 1), presentationContextID: 1), promise: promise)
        #expect(throws: AssociationError.self) { try promise.futureResult.wait() }
    }
}
