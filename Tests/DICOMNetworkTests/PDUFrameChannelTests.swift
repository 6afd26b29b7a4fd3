import DICOMNetwork
import NIOCore
import NIOEmbedded
import Testing

/// Bytes in, PDUs out (and back) through NIO's `EmbeddedChannel`, with no sockets.
@Suite("PDU frame decoder and encoder in a channel pipeline")
struct PDUFrameChannelTests {
    private func makeChannel(maximumPDULength: Int = PDUDecoder.defaultMaximumPDULength) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(PDUFrameDecoder(decoder: PDUDecoder(maximumPDULength: maximumPDULength))))
        try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(PDUFrameEncoder()))
        return channel
    }

    private var stream: [UInt8] { Fixtures.all.flatMap(\.bytes) }

    @Test func decodesEveryPDUFedInOneGo() throws {
        let channel = try makeChannel()
        try channel.writeInbound(ByteBuffer(bytes: stream))
        for fixture in Fixtures.all {
            #expect(try channel.readInbound(as: PDU.self) == fixture.pdu, "\(fixture.name)")
        }
        #expect(try channel.readInbound(as: PDU.self) == nil)
        #expect(try channel.finish().isClean)
    }

    @Test func decodesEveryPDUFedByteByByte() throws {
        let channel = try makeChannel()
        var decoded: [PDU] = []
        for byte in stream {
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
            while let pdu = try channel.readInbound(as: PDU.self) { decoded.append(pdu) }
        }
        #expect(decoded == Fixtures.all.map(\.pdu))
        #expect(try channel.finish().isClean)
    }

    @Test func encodesOutboundPDUsToTheGoldenBytes() throws {
        let channel = try makeChannel()
        for fixture in Fixtures.all {
            try channel.writeOutbound(fixture.pdu)
            let bytes = try channel.readOutbound(as: ByteBuffer.self)
            #expect(bytes.map { Array($0.readableBytesView) } == fixture.bytes, "\(fixture.name)")
        }
        #expect(try channel.finish().isClean)
    }

    @Test func malformedPDUReachesTheErrorHandlerAsATypedError() throws {
        let channel = try makeChannel()
        #expect(throws: PDUDecodingError.emptyPDataTF) {
            try channel.writeInbound(ByteBuffer(bytes: Fixtures.hex("04 00 00000000")))
        }
        _ = try? channel.finish()
    }

    @Test func oversizedPDUIsRefusedOnItsHeaderAlone() throws {
        let channel = try makeChannel(maximumPDULength: 16384)
        #expect(throws: PDUDecodingError.pduTooLong(.dataTF, length: 0x7FFF_FFFF, maximum: 16384)) {
            try channel.writeInbound(ByteBuffer(bytes: Fixtures.hex("04 00 7FFFFFFF")))
        }
        _ = try? channel.finish()
    }

    @Test func partialPDUAtCloseIsLeftOver() throws {
        let channel = try makeChannel()
        try channel.writeInbound(ByteBuffer(bytes: Fixtures.associateRQBytes.prefix(100)))
        #expect(try channel.readInbound(as: PDU.self) == nil)
        let error = #expect(throws: ByteToMessageDecoderError.self) { _ = try channel.finish() }
        guard case let .leftoverDataWhenDone(rest)? = error else { Issue.record("expected leftover data, got \(String(describing: error))"); return }
        #expect(rest.readableBytes == 100)
    }
}
