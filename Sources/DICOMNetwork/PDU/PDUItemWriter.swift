import NIOCore

/// Writes the items of an A-ASSOCIATE PDU, each with a 2-byte length checked for overflow.
struct PDUItemWriter {
    let pdu: PDUType

    func writeAssociateFixedFields(version: UInt16, called: AETitle, calling: AETitle, into buffer: inout ByteBuffer) {
        buffer.writeInteger(version)
        buffer.writeInteger(UInt16(0))
        buffer.writeBytes(called.field)
        buffer.writeBytes(calling.field)
        buffer.writeRepeatingByte(0, count: 32)
    }

    /// Writes an item header, the value `body` writes, then fills in the length.
    func item(_ type: UInt8, reserved: UInt8 = 0, into buffer: inout ByteBuffer, _ body: (inout ByteBuffer) throws(PDUEncodingError) -> Void) throws(PDUEncodingError) {
        buffer.writeInteger(type)
        buffer.writeInteger(reserved)
        let lengthIndex = buffer.writerIndex
        buffer.writeInteger(UInt16(0))
        try body(&buffer)
        let length = buffer.writerIndex - lengthIndex - 2
        guard let length16 = UInt16(exactly: length) else { throw .itemTooLong(pdu, item: type, length: length) }
        buffer.setInteger(length16, at: lengthIndex)
    }

    func lengthPrefixed(_ bytes: [UInt8], _ field: String, into buffer: inout ByteBuffer) throws(PDUEncodingError) {
        guard let length = UInt16(exactly: bytes.count) else { throw .fieldTooLong(pdu, field: field, length: bytes.count) }
        buffer.writeInteger(length)
        buffer.writeBytes(bytes)
    }

    func writeApplicationContext(_ context: ApplicationContext, into buffer: inout ByteBuffer) throws(PDUEncodingError) {
        try item(ItemType.applicationContext.rawValue, into: &buffer) { buffer in buffer.writeString(context.name) }
    }

    func writePresentationContextRQ(_ context: PresentationContextRQ, into buffer: inout ByteBuffer) throws(PDUEncodingError) {
        try item(ItemType.presentationContextRQ.rawValue, into: &buffer) { (buffer) throws(PDUEncodingError) in
            buffer.writeInteger(context.id)
            buffer.writeRepeatingByte(0, count: 3)
            try item(ItemType.abstractSyntax.rawValue, into: &buffer) { buffer in buffer.writeString(context.abstractSyntax) }
            for syntax in context.transferSyntaxes {
                try item(ItemType.transferSyntax.rawValue, into: &buffer) { buffer in buffer.writeString(syntax) }
            }
        }
    }

    func writePresentationContextAC(_ context: PresentationContextAC, into buffer: inout ByteBuffer) throws(PDUEncodingError) {
        try item(ItemType.presentationContextAC.rawValue, into: &buffer) { (buffer) throws(PDUEncodingError) in
            buffer.writeInteger(context.id)
            buffer.writeInteger(UInt8(0))
            buffer.writeInteger(context.result.rawValue)
            buffer.writeInteger(UInt8(0))
            if let syntax = context.transferSyntax {
                try item(ItemType.transferSyntax.rawValue, into: &buffer) { buffer in buffer.writeString(syntax) }
            }
        }
    }

    func writeUserInformation(_ information: UserInformation, into buffer: inout ByteBuffer) throws(PDUEncodingError) {
        try item(ItemType.userInformation.rawValue, into: &buffer) { (buffer) throws(PDUEncodingError) in
            for subItem in information.subItems { try writeSubItem(subItem, into: &buffer) }
        }
    }

    func writeSubItem(_ subItem: UserInformationSubItem, into buffer: inout ByteBuffer) throws(PDUEncodingError) {
        switch subItem {
        case let .maximumLength(length):
            try item(ItemType.maximumLength.rawValue, into: &buffer) { buffer in buffer.writeInteger(length) }
        case let .implementationClassUID(uid):
            try item(ItemType.implementationClassUID.rawValue, into: &buffer) { buffer in buffer.writeString(uid) }
        case let .implementationVersionName(name):
            try item(ItemType.implementationVersionName.rawValue, into: &buffer) { buffer in buffer.writeString(name) }
        case let .asynchronousOperationsWindow(window):
            try item(ItemType.asynchronousOperationsWindow.rawValue, into: &buffer) { buffer in
                buffer.writeInteger(window.maximumOperationsInvoked)
                buffer.writeInteger(window.maximumOperationsPerformed)
            }
        case let .roleSelection(role):
            try item(ItemType.roleSelection.rawValue, into: &buffer) { (buffer) throws(PDUEncodingError) in
                try lengthPrefixed(Array(role.sopClassUID.utf8), "SOP class UID", into: &buffer)
                buffer.writeInteger(UInt8(role.scuRole ? 1 : 0))
                buffer.writeInteger(UInt8(role.scpRole ? 1 : 0))
            }
        case let .sopClassExtendedNegotiation(negotiation):
            try item(ItemType.sopClassExtendedNegotiation.rawValue, into: &buffer) { (buffer) throws(PDUEncodingError) in
                try lengthPrefixed(Array(negotiation.sopClassUID.utf8), "SOP class UID", into: &buffer)
                buffer.writeBytes(negotiation.serviceClassApplicationInformation)
            }
        case let .sopClassCommonExtendedNegotiation(negotiation):
            try item(ItemType.sopClassCommonExtendedNegotiation.rawValue, reserved: negotiation.subItemVersion, into: &buffer) { (buffer) throws(PDUEncodingError) in
                try lengthPrefixed(Array(negotiation.sopClassUID.utf8), "SOP class UID", into: &buffer)
                try lengthPrefixed(Array(negotiation.serviceClassUID.utf8), "service class UID", into: &buffer)
                var related: [UInt8] = []
                for uid in negotiation.relatedGeneralSOPClassUIDs {
                    guard let length = UInt16(exactly: uid.utf8.count) else {
                        throw .fieldTooLong(pdu, field: "related general SOP class UID", length: uid.utf8.count)
                    }
                    related += [UInt8(length >> 8), UInt8(length & 0xFF)] + Array(uid.utf8)
                }
                try lengthPrefixed(related, "related general SOP class identification", into: &buffer)
            }
        case let .userIdentityRQ(identity):
            try item(ItemType.userIdentityRQ.rawValue, into: &buffer) { (buffer) throws(PDUEncodingError) in
                buffer.writeInteger(identity.kind.rawValue)
                buffer.writeInteger(UInt8(identity.positiveResponseRequested ? 1 : 0))
                try lengthPrefixed(identity.primaryField, "user identity primary field", into: &buffer)
                try lengthPrefixed(identity.secondaryField, "user identity secondary field", into: &buffer)
            }
        case let .userIdentityAC(identity):
            try item(ItemType.userIdentityAC.rawValue, into: &buffer) { (buffer) throws(PDUEncodingError) in
                try lengthPrefixed(identity.serverResponse, "user identity server response", into: &buffer)
            }
        case let .unknown(raw):
            try item(raw.type, reserved: raw.reserved, into: &buffer) { buffer in buffer.writeBytes(raw.data) }
        }
    }
}
