import DICOMNetwork
import NIOCore

/// Golden bytes, written by hand from PS3.8 Tables 9-11 to 9-26 and PS3.7 Annex D.3.3, in the
/// layout of pynetdicom's `encoded_pdu_items.py`. Length fields are written out, not computed.
enum Fixtures {
    /// Bytes from hexadecimal pairs; spaces are ignored.
    static func hex(_ text: String) -> [UInt8] {
        let digits = Array(text.filter { !$0.isWhitespace })
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
    }

    static func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

    static let verification = "1.2.840.10008.1.1"
    static let implicitVRLittleEndian = "1.2.840.10008.1.2"
    static let ctImageStorage = "1.2.840.10008.5.1.4.1.1.2"

    /// The 68 bytes after the PDU header of an A-ASSOCIATE-RQ or -AC from ECHOSCU to ANY-SCP.
    static let echoFixedFields: [UInt8] =
        hex("0001 0000")                        // protocol version 1, reserved
        + ascii("ANY-SCP         ")              // called AE title, 16 bytes
        + ascii("ECHOSCU         ")              // calling AE title, 16 bytes
        + [UInt8](repeating: 0, count: 32)       // reserved

    /// Application context item (10H): 1.2.840.10008.3.1.1.1, 21 bytes.
    static let applicationContextItem: [UInt8] = hex("10 00 0015") + ascii("1.2.840.10008.3.1.1.1")

    /// Presentation context item (20H), ID 1: Verification with implicit VR little endian.
    static let verificationContextRQItem: [UInt8] =
        hex("20 00 002E 01 000000")
        + hex("30 00 0011") + ascii(verification)
        + hex("40 00 0011") + ascii(implicitVRLittleEndian)

    /// Presentation context item (21H), ID 1 accepted with implicit VR little endian.
    static let verificationContextACItem: [UInt8] =
        hex("21 00 0019 01 00 00 00")
        + hex("40 00 0011") + ascii(implicitVRLittleEndian)

    /// Maximum length sub-item (51H): 16384.
    static let maximumLengthItem: [UInt8] = hex("51 00 0004 00004000")
    /// Implementation class UID sub-item (52H), DCMTK 3.6.0's.
    static let implementationClassUIDItem: [UInt8] = hex("52 00 001B") + ascii("1.2.276.0.7230010.3.0.3.6.0")
    /// Implementation version name sub-item (55H).
    static let implementationVersionNameItem: [UInt8] = hex("55 00 000F") + ascii("OFFIS_DCMTK_360")

    /// User information item (50H) holding the three sub-items above: 8 + 31 + 19 = 58 bytes.
    static let userInformationItem: [UInt8] =
        hex("50 00 003A") + maximumLengthItem + implementationClassUIDItem + implementationVersionNameItem

    static let userInformation = UserInformation(subItems: [
        .maximumLength(16384),
        .implementationClassUID("1.2.276.0.7230010.3.0.3.6.0"),
        .implementationVersionName("OFFIS_DCMTK_360"),
    ])

    /// A-ASSOCIATE-RQ from ECHOSCU to ANY-SCP proposing Verification with implicit VR little
    /// endian: 68 + 25 + 50 + 62 = 205 bytes after the header.
    static let associateRQBytes: [UInt8] =
        hex("01 00 000000CD") + echoFixedFields + applicationContextItem + verificationContextRQItem + userInformationItem

    static let associateRQ = AssociateRQ(
        calledAETitle: try! AETitle("ANY-SCP"),
        callingAETitle: try! AETitle("ECHOSCU"),
        presentationContexts: [PresentationContextRQ(id: 1, abstractSyntax: verification, transferSyntaxes: [implicitVRLittleEndian])],
        userInformation: userInformation
    )

    /// A-ASSOCIATE-AC answering it: 68 + 25 + 29 + 62 = 184 bytes, as pynetdicom's `a_associate_ac`.
    static let associateACBytes: [UInt8] =
        hex("02 00 000000B8") + echoFixedFields + applicationContextItem + verificationContextACItem + userInformationItem

    static let associateAC = AssociateAC(
        calledAETitle: try! AETitle("ANY-SCP"),
        callingAETitle: try! AETitle("ECHOSCU"),
        presentationContexts: [PresentationContextAC(id: 1, result: .acceptance, transferSyntax: implicitVRLittleEndian)],
        userInformation: userInformation
    )

    /// A-ASSOCIATE-RJ: rejected permanent, by the service-user, called AE title not recognized.
    static let associateRJBytes: [UInt8] = hex("03 00 00000004 00 01 01 07")
    static let associateRJ = AssociateRJ(result: .rejectedPermanent, source: .serviceUser(.calledAETitleNotRecognized))

    /// P-DATA-TF with two PDVs on context 1: the last command fragment (4 bytes), then a data
    /// fragment that is not the last (2 bytes). 10 + 8 = 18 bytes.
    static let dataTFBytes: [UInt8] =
        hex("04 00 00000012")
        + hex("00000006 01 03 AABBCCDD")
        + hex("00000004 01 00 EEFF")

    static let dataTF = PDataTF(values: [
        PresentationDataValue(presentationContextID: 1, isCommand: true, isLastFragment: true, data: ByteBuffer(bytes: hex("AABBCCDD"))),
        PresentationDataValue(presentationContextID: 1, isCommand: false, isLastFragment: false, data: ByteBuffer(bytes: hex("EEFF"))),
    ])

    static let releaseRQBytes: [UInt8] = hex("05 00 00000004 00000000")
    static let releaseRPBytes: [UInt8] = hex("06 00 00000004 00000000")

    /// A-ABORT from the service-provider: unexpected PDU.
    static let providerAbortBytes: [UInt8] = hex("07 00 00000004 00 00 02 02")
    /// A-ABORT from the service-user.
    static let userAbortBytes: [UInt8] = hex("07 00 00000004 00 00 00 00")

    /// Every golden PDU with its value.
    static let all: [(name: String, bytes: [UInt8], pdu: PDU)] = [
        ("A-ASSOCIATE-RQ", associateRQBytes, .associateRQ(associateRQ)),
        ("A-ASSOCIATE-AC", associateACBytes, .associateAC(associateAC)),
        ("A-ASSOCIATE-RJ", associateRJBytes, .associateRJ(associateRJ)),
        ("P-DATA-TF", dataTFBytes, .dataTF(dataTF)),
        ("A-RELEASE-RQ", releaseRQBytes, .releaseRQ(ReleaseRQ())),
        ("A-RELEASE-RP", releaseRPBytes, .releaseRP(ReleaseRP())),
        ("A-ABORT (provider)", providerAbortBytes, .abort(Abort(source: .serviceProvider, reason: .unexpectedPDU))),
        ("A-ABORT (user)", userAbortBytes, .abort(Abort(source: .serviceUser))),
    ]

    /// An A-ASSOCIATE-RQ like `associateRQBytes` whose user information item holds `subItems`;
    /// the enclosing length fields are computed here, the sub-item bytes are the golden part.
    static func associateRQBytes(userInformationSubItems subItems: [UInt8]) -> [UInt8] {
        let userInformation = [0x50, 0x00, UInt8(subItems.count >> 8), UInt8(subItems.count & 0xFF)] + subItems
        let body = echoFixedFields + applicationContextItem + verificationContextRQItem + userInformation
        return [0x01, 0x00] + bigEndian(UInt32(body.count)) + body
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    static func decode(_ bytes: [UInt8], maximumPDULength: Int = PDUDecoder.defaultMaximumPDULength) throws(PDUDecodingError) -> PDU? {
        var buffer = ByteBuffer(bytes: bytes)
        return try PDUDecoder(maximumPDULength: maximumPDULength).decodePDU(from: &buffer)
    }

    static func encode(_ pdu: PDU) throws -> [UInt8] {
        let buffer = try PDUEncoder().encode(pdu)
        return Array(buffer.readableBytesView)
    }
}
