import NIOCore

/// Splits an inbound byte stream into PDUs for the association handler:
/// `ByteToMessageHandler(PDUFrameDecoder())`. A malformed PDU is passed on as a
/// `PDUDecodingError` through `errorCaught`, for the association layer to answer with an
/// A-ABORT (PS3.8 9.2, AA-8).
public struct PDUFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = PDU

    public var decoder: PDUDecoder

    public init(decoder: PDUDecoder = PDUDecoder()) {
        self.decoder = decoder
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let pdu = try decoder.decodePDU(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(pdu))
        return .continue
    }

    /// At close, a PDU cut short is reported as `ByteToMessageDecoderError.leftoverDataWhenDone`:
    /// the transport closed mid-PDU (PS3.8 9.2, AA-4 treats it as an A-P-ABORT).
    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        let state = try decode(context: context, buffer: &buffer)
        if state == .needMoreData, buffer.readableBytes > 0 {
            let rest = buffer
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            throw ByteToMessageDecoderError.leftoverDataWhenDone(rest)
        }
        return state
    }
}
