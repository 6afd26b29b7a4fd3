import NIOCore

/// Encodes DICOM upper layer PDUs (PS3.8 9.3) into bytes. Reserved fields are sent as zero,
/// except the reserved AE title fields of an A-ASSOCIATE-AC, sent as the values given.
public struct PDUEncoder: Sendable {
    public init() {}

    /// Appends `pdu` to `buffer`. On error `buffer` is left as it was.
    public func encode(_ pdu: PDU, into buffer: inout ByteBuffer) throws(PDUEncodingError) {
        let start = buffer.writerIndex
        do throws(PDUEncodingError) {
            try Self.write(pdu, into: &buffer)
        } catch {
            buffer.moveWriterIndex(to: start)
            throw error
        }
    }

    /// `pdu` as a new buffer.
    public func encode(_ pdu: PDU, allocator: ByteBufferAllocator = ByteBufferAllocator()) throws(PDUEncodingError) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 256)
        try encode(pdu, into: &buffer)
        return buffer
    }

    private static func write(_ pdu: PDU, into buffer: inout ByteBuffer) throws(PDUEncodingError) {
        let type = pdu.type
        buffer.writeInteger(type.rawValue)
        buffer.writeInteger(UInt8(0))
        let lengthIndex = buffer.writerIndex
        buffer.writeInteger(UInt32(0))
        switch pdu {
        case let .associateRQ(rq):
            let writer = PDUItemWriter(pdu: type)
            writer.writeAssociateFixedFields(version: rq.protocolVersion, called: rq.calledAETitle, calling: rq.callingAETitle, into: &buffer)
            try writer.writeApplicationContext(rq.applicationContext, into: &buffer)
            for context in rq.presentationContexts { try writer.writePresentationContextRQ(context, into: &buffer) }
            try writer.writeUserInformation(rq.userInformation, into: &buffer)
        case let .associateAC(ac):
            let writer = PDUItemWriter(pdu: type)
            writer.writeAssociateFixedFields(version: ac.protocolVersion, called: ac.calledAETitle, calling: ac.callingAETitle, into: &buffer)
            try writer.writeApplicationContext(ac.applicationContext, into: &buffer)
            for context in ac.presentationContexts { try writer.writePresentationContextAC(context, into: &buffer) }
            try writer.writeUserInformation(ac.userInformation, into: &buffer)
        case let .associateRJ(rj):
            buffer.writeInteger(UInt8(0))
            buffer.writeInteger(rj.result.rawValue)
            buffer.writeInteger(rj.source.sourceByte)
            buffer.writeInteger(rj.source.reasonByte)
        case let .dataTF(data):
            for value in data.values {
                let length = value.data.readableBytes + 2
                guard let length32 = UInt32(exactly: length) else { throw .pduTooLong(type, length: length) }
                buffer.writeInteger(length32)
                buffer.writeInteger(value.presentationContextID)
                buffer.writeInteger(value.messageControlHeader)
                buffer.writeImmutableBuffer(value.data)
            }
        case .releaseRQ, .releaseRP:
            buffer.writeInteger(UInt32(0))
        case let .abort(abort):
            buffer.writeInteger(UInt16(0))
            buffer.writeInteger(abort.source.rawValue)
            buffer.writeInteger(abort.source == .serviceProvider ? abort.reason.rawValue : 0)
        }
        let length = buffer.writerIndex - lengthIndex - 4
        guard let length32 = UInt32(exactly: length) else { throw .pduTooLong(type, length: length + 6) }
        buffer.setInteger(length32, at: lengthIndex)
    }
}
