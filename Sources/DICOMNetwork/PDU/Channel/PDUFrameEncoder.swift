import NIOCore

/// Writes outbound PDUs as bytes: `MessageToByteHandler(PDUFrameEncoder())`.
public struct PDUFrameEncoder: MessageToByteEncoder {
    public typealias OutboundIn = PDU

    public var encoder: PDUEncoder

    public init(encoder: PDUEncoder = PDUEncoder()) {
        self.encoder = encoder
    }

    public func encode(data: PDU, out: inout ByteBuffer) throws {
        try encoder.encode(data, into: &out)
    }
}
