import NIOCore

/// Decodes DICOM upper layer PDUs (PS3.8 9.3) from a byte stream.
///
/// Every length from the wire is checked against what contains it before it is used, so
/// hostile input ends in a `PDUDecodingError`, never a trap. Reserved fields are skipped
/// without being tested, as PS3.8 9.3.1 requires.
public struct PDUDecoder: Sendable {
    /// The default largest PDU-length accepted: 4 MiB, far above the 16 KiB–1 MiB maximum
    /// lengths DICOM implementations commonly negotiate.
    public static let defaultMaximumPDULength = 4 * 1024 * 1024

    /// The largest PDU-length field (the bytes after the 6-byte header) accepted. A PDU that
    /// announces more is rejected as soon as its header arrives, before its body is buffered.
    public var maximumPDULength: Int

    /// `maximumPDULength` is clamped to 0…4,294,967,295, the range of the PDU-length field.
    public init(maximumPDULength: Int = PDUDecoder.defaultMaximumPDULength) {
        self.maximumPDULength = min(max(maximumPDULength, 0), Int(exactly: UInt32.max) ?? Int.max - 6)
    }

    /// Decodes one PDU from the front of `buffer`, consuming its bytes, or returns nil, consuming
    /// nothing, when `buffer` does not yet hold a whole PDU. On error nothing is consumed.
    public func decodePDU(from buffer: inout ByteBuffer) throws(PDUDecodingError) -> PDU? {
        let start = buffer.readerIndex
        guard let typeByte = buffer.getInteger(at: start, as: UInt8.self) else { return nil }
        guard let type = PDUType(rawValue: typeByte) else { throw .unrecognizedPDUType(typeByte) }
        guard let length = buffer.getInteger(at: start + 2, endianness: .big, as: UInt32.self) else { return nil }
        guard UInt64(length) <= UInt64(maximumPDULength) else {
            throw .pduTooLong(type, length: length, maximum: maximumPDULength)
        }
        let total = 6 + Int(length)
        guard buffer.readableBytes >= total, let whole = buffer.getSlice(at: start, length: total) else { return nil }
        var reader = PDUReader(pdu: type, buffer: whole, base: 0)
        try reader.skip(6, "PDU header")
        let pdu = try Self.decodeBody(type, length: length, reader: &reader)
        buffer.moveReaderIndex(forwardBy: total)
        return pdu
    }

    private static func decodeBody(_ type: PDUType, length: UInt32, reader: inout PDUReader) throws(PDUDecodingError) -> PDU {
        switch type {
        case .associateRQ:
            let fixed = try decodeAssociateFixedFields(type, length: length, reader: &reader)
            let items = try decodeAssociateItems(type, reader: &reader, contextType: .presentationContextRQ)
            return .associateRQ(AssociateRQ(
                protocolVersion: fixed.version, calledAETitle: fixed.called, callingAETitle: fixed.calling,
                applicationContext: items.applicationContext,
                presentationContexts: items.requested, userInformation: items.userInformation
            ))
        case .associateAC:
            let fixed = try decodeAssociateFixedFields(type, length: length, reader: &reader)
            let items = try decodeAssociateItems(type, reader: &reader, contextType: .presentationContextAC)
            return .associateAC(AssociateAC(
                protocolVersion: fixed.version, calledAETitle: fixed.called, callingAETitle: fixed.calling,
                applicationContext: items.applicationContext,
                presentationContexts: items.accepted, userInformation: items.userInformation
            ))
        case .associateRJ:
            try requireLength(type, length, 4)
            try reader.skip(1, "reserved byte")
            let resultOffset = reader.offset
            let resultByte = try reader.readUInt8("result")
            guard let result = AssociateRJ.Result(rawValue: resultByte) else {
                throw .invalidFieldValue(type, at: resultOffset, field: "result (PS3.8 Table 9-21)", value: resultByte)
            }
            let sourceOffset = reader.offset
            let sourceByte = try reader.readUInt8("source")
            let reasonByte = try reader.readUInt8("reason/diag")
            guard let source = AssociateRJ.Source(source: sourceByte, reason: reasonByte) else {
                let field = (1...3).contains(sourceByte) ? "reason/diag for source \(sourceByte) (PS3.8 Table 9-21)" : "source (PS3.8 Table 9-21)"
                let at = (1...3).contains(sourceByte) ? sourceOffset + 1 : sourceOffset
                throw .invalidFieldValue(type, at: at, field: field, value: (1...3).contains(sourceByte) ? reasonByte : sourceByte)
            }
            return .associateRJ(AssociateRJ(result: result, source: source))
        case .dataTF:
            return .dataTF(try decodePDataTF(reader: &reader))
        case .releaseRQ:
            try requireLength(type, length, 4)
            return .releaseRQ(ReleaseRQ())
        case .releaseRP:
            try requireLength(type, length, 4)
            return .releaseRP(ReleaseRP())
        case .abort:
            try requireLength(type, length, 4)
            try reader.skip(2, "reserved bytes")
            let sourceOffset = reader.offset
            let sourceByte = try reader.readUInt8("source")
            guard let source = Abort.Source(rawValue: sourceByte) else {
                throw .invalidFieldValue(type, at: sourceOffset, field: "source (PS3.8 Table 9-26)", value: sourceByte)
            }
            let reasonOffset = reader.offset
            let reasonByte = try reader.readUInt8("reason/diag")
            guard source == .serviceProvider else { return .abort(Abort(source: source)) }
            guard let reason = Abort.Reason(rawValue: reasonByte) else {
                throw .invalidFieldValue(type, at: reasonOffset, field: "reason/diag (PS3.8 Table 9-26)", value: reasonByte)
            }
            return .abort(Abort(source: source, reason: reason))
        }
    }

    private static func requireLength(_ type: PDUType, _ length: UInt32, _ expected: UInt32) throws(PDUDecodingError) {
        guard length == expected else {
            throw .invalidPDULength(type, length: length, expected: "PS3.8 9.3 fixes it at \(expected)")
        }
    }

    // MARK: A-ASSOCIATE-RQ and -AC (PS3.8 Tables 9-11 and 9-17)

    private static func decodeAssociateFixedFields(
        _ type: PDUType, length: UInt32, reader: inout PDUReader
    ) throws(PDUDecodingError) -> (version: UInt16, called: AETitle, calling: AETitle) {
        guard length >= 68 else {
            throw .invalidPDULength(type, length: length, expected: "at least 68 bytes of fixed fields are required (PS3.8 9.3.2)")
        }
        let version = try reader.readUInt16("protocol version")
        try reader.skip(2, "reserved bytes")
        let called = try readAETitle(type, "called AE title", reader: &reader)
        let calling = try readAETitle(type, "calling AE title", reader: &reader)
        try reader.skip(32, "reserved bytes")
        return (version, called, calling)
    }

    private static func readAETitle(_ type: PDUType, _ field: String, reader: inout PDUReader) throws(PDUDecodingError) -> AETitle {
        let offset = reader.offset
        let bytes = try reader.readBytes(16, field)
        do throws(AETitleError) {
            return try AETitle(field: bytes)
        } catch {
            throw .invalidAETitle(type, at: offset, field: field, error)
        }
    }

    private struct AssociateItems {
        var applicationContext = ApplicationContext.dicom
        var requested: [PresentationContextRQ] = []
        var accepted: [PresentationContextAC] = []
        var userInformation = UserInformation()
    }

    private static func decodeAssociateItems(
        _ type: PDUType, reader: inout PDUReader, contextType: ItemType
    ) throws(PDUDecodingError) -> AssociateItems {
        var items = AssociateItems()
        var sawApplicationContext = false
        var sawUserInformation = false
        let inside = "the variable items of \(type)"
        while !reader.isAtEnd {
            var item = try reader.readItem()
            switch ItemType(rawValue: item.type) {
            case .applicationContext:
                guard !sawApplicationContext else { throw .duplicateItem(type, item: .applicationContext, at: item.offset) }
                sawApplicationContext = true
                items.applicationContext = ApplicationContext(name: try item.value.readString(item.value.remaining, "application context name"))
            case .presentationContextRQ where contextType == .presentationContextRQ:
                items.requested.append(try decodePresentationContextRQ(type, reader: &item.value))
            case .presentationContextAC where contextType == .presentationContextAC:
                items.accepted.append(try decodePresentationContextAC(type, offset: item.offset, reader: &item.value))
            case .userInformation:
                guard !sawUserInformation else { throw .duplicateItem(type, item: .userInformation, at: item.offset) }
                sawUserInformation = true
                items.userInformation = try decodeUserInformation(type, reader: &item.value)
            default:
                throw .unexpectedItem(type, item: item.type, at: item.offset, inside: inside)
            }
        }
        guard sawApplicationContext else { throw .missingItem(type, item: .applicationContext, inside: inside) }
        guard sawUserInformation else { throw .missingItem(type, item: .userInformation, inside: inside) }
        return items
    }

    private static func decodePresentationContextRQ(_ type: PDUType, reader: inout PDUReader) throws(PDUDecodingError) -> PresentationContextRQ {
        let id = try reader.readUInt8("presentation context ID")
        try reader.skip(3, "reserved bytes")
        var abstractSyntax: String?
        var transferSyntaxes: [String] = []
        let inside = "a presentation context item (20H)"
        while !reader.isAtEnd {
            var item = try reader.readItem()
            switch ItemType(rawValue: item.type) {
            case .abstractSyntax:
                guard abstractSyntax == nil else { throw .duplicateItem(type, item: .abstractSyntax, at: item.offset) }
                abstractSyntax = try item.value.readString(item.value.remaining, "abstract syntax name")
            case .transferSyntax:
                transferSyntaxes.append(try item.value.readString(item.value.remaining, "transfer syntax name"))
            default:
                throw .unexpectedItem(type, item: item.type, at: item.offset, inside: inside)
            }
        }
        guard let abstractSyntax else { throw .missingItem(type, item: .abstractSyntax, inside: inside) }
        guard !transferSyntaxes.isEmpty else { throw .missingItem(type, item: .transferSyntax, inside: inside) }
        return PresentationContextRQ(id: id, abstractSyntax: abstractSyntax, transferSyntaxes: transferSyntaxes)
    }

    private static func decodePresentationContextAC(_ type: PDUType, offset: Int, reader: inout PDUReader) throws(PDUDecodingError) -> PresentationContextAC {
        let id = try reader.readUInt8("presentation context ID")
        try reader.skip(1, "reserved byte")
        let resultOffset = reader.offset
        let resultByte = try reader.readUInt8("result/reason")
        guard let result = PresentationContextAC.Result(rawValue: resultByte) else {
            throw .invalidFieldValue(type, at: resultOffset, field: "presentation context result/reason (PS3.8 Table 9-18)", value: resultByte)
        }
        try reader.skip(1, "reserved byte")
        var transferSyntax: String?
        var sawTransferSyntax = false
        while !reader.isAtEnd {
            var item = try reader.readItem()
            guard item.type == ItemType.transferSyntax.rawValue else {
                throw .unexpectedItem(type, item: item.type, at: item.offset, inside: "a presentation context item (21H)")
            }
            guard !sawTransferSyntax else { throw .duplicateItem(type, item: .transferSyntax, at: item.offset) }
            sawTransferSyntax = true
            let name = try item.value.readString(item.value.remaining, "transfer syntax name")
            transferSyntax = name.isEmpty ? nil : name
        }
        if result == .acceptance, transferSyntax == nil {
            throw .missingItem(type, item: .transferSyntax, inside: "the accepted presentation context \(id) at byte \(offset)")
        }
        return PresentationContextAC(id: id, result: result, transferSyntax: transferSyntax)
    }

    // MARK: User information (PS3.8 9.3.2.3, PS3.7 Annex D.3.3)

    private static func decodeUserInformation(_ type: PDUType, reader: inout PDUReader) throws(PDUDecodingError) -> UserInformation {
        var subItems: [UserInformationSubItem] = []
        while !reader.isAtEnd {
            var item = try reader.readItem()
            subItems.append(try decodeSubItem(type, type: item.type, reserved: item.reserved, offset: item.offset, reader: &item.value))
        }
        return UserInformation(subItems: subItems)
    }

    private static func decodeSubItem(
        _ pdu: PDUType, type: UInt8, reserved: UInt8, offset: Int, reader: inout PDUReader
    ) throws(PDUDecodingError) -> UserInformationSubItem {
        let length = reader.remaining
        func fixedLength(_ expected: Int) throws(PDUDecodingError) {
            guard length == expected else {
                throw .invalidItemLength(pdu, item: type, at: offset, length: length, expected: "PS3.7 Annex D.3.3 fixes it at \(expected)")
            }
        }
        func noTrailingBytes() throws(PDUDecodingError) {
            guard reader.isAtEnd else {
                throw .invalidItemLength(pdu, item: type, at: offset, length: length, expected: "its fields end \(reader.remaining) bytes before it does")
            }
        }
        func flag(_ field: String) throws(PDUDecodingError) -> Bool {
            let at = reader.offset
            let byte = try reader.readUInt8(field)
            guard byte <= 1 else { throw .invalidFieldValue(pdu, at: at, field: field, value: byte) }
            return byte == 1
        }
        switch ItemType(rawValue: type) {
        case .maximumLength:
            try fixedLength(4)
            return .maximumLength(try reader.readUInt32("maximum length received"))
        case .implementationClassUID:
            return .implementationClassUID(try reader.readString(length, "implementation class UID"))
        case .implementationVersionName:
            return .implementationVersionName(try reader.readString(length, "implementation version name"))
        case .asynchronousOperationsWindow:
            try fixedLength(4)
            let invoked = try reader.readUInt16("maximum number of operations invoked")
            let performed = try reader.readUInt16("maximum number of operations performed")
            return .asynchronousOperationsWindow(AsynchronousOperationsWindow(maximumOperationsInvoked: invoked, maximumOperationsPerformed: performed))
        case .roleSelection:
            let uid = try reader.readLengthPrefixedString("SOP class UID")
            let scu = try flag("SCU role")
            let scp = try flag("SCP role")
            try noTrailingBytes()
            return .roleSelection(RoleSelection(sopClassUID: uid, scuRole: scu, scpRole: scp))
        case .sopClassExtendedNegotiation:
            let uid = try reader.readLengthPrefixedString("SOP class UID")
            return .sopClassExtendedNegotiation(SOPClassExtendedNegotiation(sopClassUID: uid, serviceClassApplicationInformation: reader.readRest()))
        case .sopClassCommonExtendedNegotiation:
            let uid = try reader.readLengthPrefixedString("SOP class UID")
            let service = try reader.readLengthPrefixedString("service class UID")
            let relatedLength = Int(try reader.readUInt16("related general SOP class identification length"))
            let relatedOffset = reader.offset
            let relatedBytes = try reader.readSlice(relatedLength, "related general SOP class identification")
            var related = PDUReader(pdu: pdu, buffer: relatedBytes, base: relatedOffset)
            var uids: [String] = []
            while !related.isAtEnd { uids.append(try related.readLengthPrefixedString("related general SOP class UID")) }
            try noTrailingBytes()
            return .sopClassCommonExtendedNegotiation(SOPClassCommonExtendedNegotiation(
                subItemVersion: reserved, sopClassUID: uid, serviceClassUID: service, relatedGeneralSOPClassUIDs: uids
            ))
        case .userIdentityRQ:
            let kindByte = try reader.readUInt8("user identity type")
            guard let kind = UserIdentityRQ.Kind(rawValue: kindByte) else {
                // A type PS3.7 does not define yet: keep it raw, so the acceptor can ignore it.
                return .unknown(RawItem(type: type, reserved: reserved, data: [kindByte] + reader.readRest()))
            }
            let response = try flag("positive response requested")
            let primary = try reader.readLengthPrefixedBytes("primary field")
            let secondary = try reader.readLengthPrefixedBytes("secondary field")
            try noTrailingBytes()
            return .userIdentityRQ(UserIdentityRQ(kind: kind, positiveResponseRequested: response, primaryField: primary, secondaryField: secondary))
        case .userIdentityAC:
            let response = try reader.readLengthPrefixedBytes("server response")
            try noTrailingBytes()
            return .userIdentityAC(UserIdentityAC(serverResponse: response))
        default:
            return .unknown(RawItem(type: type, reserved: reserved, data: reader.readRest()))
        }
    }

    // MARK: P-DATA-TF (PS3.8 9.3.5)

    private static func decodePDataTF(reader: inout PDUReader) throws(PDUDecodingError) -> PDataTF {
        var values: [PresentationDataValue] = []
        while !reader.isAtEnd {
            let start = reader.offset
            let length = try reader.readUInt32("presentation data value item length")
            guard length >= 2 else { throw .invalidPDVLength(at: start, length: length) }
            guard UInt64(length) <= UInt64(reader.remaining) else {
                throw .pdvOverrun(at: start, length: length, available: reader.remaining)
            }
            let id = try reader.readUInt8("presentation context ID")
            let header = try reader.readUInt8("message control header")
            let data = try reader.readSlice(Int(length) - 2, "presentation data value")
            values.append(PresentationDataValue(
                presentationContextID: id, isCommand: header & 0x01 != 0, isLastFragment: header & 0x02 != 0, data: data
            ))
        }
        guard !values.isEmpty else { throw .emptyPDataTF }
        return PDataTF(values: values)
    }
}
