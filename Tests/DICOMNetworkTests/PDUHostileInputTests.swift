import DICOMNetwork
import NIOCore
import Testing

/// Hostile and broken input must end in a typed `PDUDecodingError`, never a trap.
@Suite("Hostile input to the PDU decoder")
struct PDUHostileInputTests {
    @Test(arguments: Fixtures.all.indices)
    func everyPrefixAsksForMoreBytesAndConsumesNothing(index: Int) throws {
        let bytes = Fixtures.all[index].bytes
        for count in 0..<bytes.count {
            var buffer = ByteBuffer(bytes: bytes[..<count])
            #expect(try PDUDecoder().decodePDU(from: &buffer) == nil, "prefix of \(count) bytes")
            #expect(buffer.readableBytes == count)
        }
    }

    /// The PDU-length field says the PDU ends early, at every offset: the decoder must throw
    /// for the association PDUs and never trap for any of them.
    @Test(arguments: Fixtures.all.indices)
    func pduCutShortAtEveryOffsetThrowsOrDecodes(index: Int) {
        let bytes = Fixtures.all[index].bytes
        for length in 0..<(bytes.count - 6) {
            let cut = [bytes[0], bytes[1]] + Fixtures.bigEndian(UInt32(length)) + bytes[6..<(6 + length)]
            do {
                _ = try Fixtures.decode(cut)
                if bytes[0] != PDUType.dataTF.rawValue {
                    Issue.record("\(Fixtures.all[index].name) cut to \(length) bytes decoded")
                }
            } catch {
                #expect(!error.description.isEmpty)
            }
        }
    }

    @Test func associateRQCutInsideTheFixedFieldsNamesTheRule() {
        let cut = Fixtures.hex("01 00 00000010") + Fixtures.echoFixedFields[..<16]
        #expect(throws: PDUDecodingError.invalidPDULength(.associateRQ, length: 16, expected: "at least 68 bytes of fixed fields are required (PS3.8 9.3.2)")) {
            try Fixtures.decode(cut)
        }
    }

    @Test(arguments: PDUType.allCases)
    func lengthOfFFFFFFFFIsRefusedAtTheHeader(type: PDUType) {
        let header = [type.rawValue, 0, 0xFF, 0xFF, 0xFF, 0xFF]
        #expect(throws: PDUDecodingError.pduTooLong(type, length: 0xFFFF_FFFF, maximum: PDUDecoder.defaultMaximumPDULength)) {
            try Fixtures.decode(header)
        }
    }

    @Test func pduOverTheConfiguredMaximumIsRefused() {
        #expect(throws: PDUDecodingError.pduTooLong(.associateRQ, length: 205, maximum: 204)) {
            try Fixtures.decode(Fixtures.associateRQBytes, maximumPDULength: 204)
        }
        #expect(throws: Never.self) { try Fixtures.decode(Fixtures.associateRQBytes, maximumPDULength: 205) }
    }

    @Test func unknownPDUTypeIsRefused() {
        #expect(throws: PDUDecodingError.unrecognizedPDUType(0x08)) { try Fixtures.decode([0x08]) }
        #expect(throws: PDUDecodingError.unrecognizedPDUType(0x16)) { try Fixtures.decode(Array("\u{16}\u{03}\u{01}".utf8)) }   // a TLS ClientHello
        #expect(throws: PDUDecodingError.unrecognizedPDUType(0x47)) { try Fixtures.decode(Array("GET / HTTP/1.1\r\n".utf8)) }
    }

    @Test func nestedItemOverrunningItsParentIsRefused() {
        // The abstract syntax sub-item claims 0x40 bytes inside a presentation context of 0x2E.
        var bytes = Fixtures.associateRQBytes
        let abstractSyntaxLength = 6 + 68 + 25 + 8 + 3       // low byte of the 30H item's length
        bytes[abstractSyntaxLength] = 0x40
        #expect(throws: PDUDecodingError.itemOverrun(.associateRQ, item: 0x30, at: 107, length: 0x40, available: 38)) {
            try Fixtures.decode(bytes)
        }
    }

    @Test func itemOverrunningThePDUIsRefused() {
        var bytes = Fixtures.associateRQBytes
        bytes[6 + 68 + 25 + 62 - 62 + 50 + 3] = 0xFF         // user information item length 0x00FF
        #expect(throws: PDUDecodingError.itemOverrun(.associateRQ, item: 0x50, at: 149, length: 0xFF, available: 58)) {
            try Fixtures.decode(bytes)
        }
    }

    @Test func pdvLengthBelowTwoIsRefused() {
        #expect(throws: PDUDecodingError.invalidPDVLength(at: 6, length: 1)) {
            try Fixtures.decode(Fixtures.hex("04 00 00000005 00000001 01"))
        }
        #expect(throws: PDUDecodingError.invalidPDVLength(at: 6, length: 0)) {
            try Fixtures.decode(Fixtures.hex("04 00 00000004 00000000"))
        }
    }

    @Test func pdvOverrunningThePDUIsRefused() {
        #expect(throws: PDUDecodingError.pdvOverrun(at: 6, length: 0xFFFF_FFFF, available: 4)) {
            try Fixtures.decode(Fixtures.hex("04 00 00000008 FFFFFFFF 01 03 AABB"))
        }
    }

    @Test func emptyPDataTFIsRefused() {
        #expect(throws: PDUDecodingError.emptyPDataTF) { try Fixtures.decode(Fixtures.hex("04 00 00000000")) }
    }

    @Test(arguments: [PDUType.releaseRQ, .releaseRP, .abort, .associateRJ])
    func fixedLengthPDUWithAnotherLengthIsRefused(type: PDUType) {
        #expect(throws: PDUDecodingError.invalidPDULength(type, length: 5, expected: "PS3.8 9.3 fixes it at 4")) {
            try Fixtures.decode([type.rawValue, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0])
        }
    }

    @Test func undefinedFieldValuesAreRefused() {
        #expect(throws: PDUDecodingError.invalidFieldValue(.associateRJ, at: 7, field: "result (PS3.8 Table 9-21)", value: 3)) {
            try Fixtures.decode(Fixtures.hex("03 00 00000004 00 03 01 01"))
        }
        #expect(throws: PDUDecodingError.invalidFieldValue(.associateRJ, at: 9, field: "reason/diag for source 1 (PS3.8 Table 9-21)", value: 4)) {
            try Fixtures.decode(Fixtures.hex("03 00 00000004 00 01 01 04"))
        }
        #expect(throws: PDUDecodingError.invalidFieldValue(.associateRJ, at: 8, field: "source (PS3.8 Table 9-21)", value: 9)) {
            try Fixtures.decode(Fixtures.hex("03 00 00000004 00 01 09 01"))
        }
        #expect(throws: PDUDecodingError.invalidFieldValue(.abort, at: 8, field: "source (PS3.8 Table 9-26)", value: 3)) {
            try Fixtures.decode(Fixtures.hex("07 00 00000004 00 00 03 00"))
        }
        #expect(throws: PDUDecodingError.invalidFieldValue(.abort, at: 9, field: "reason/diag (PS3.8 Table 9-26)", value: 3)) {
            try Fixtures.decode(Fixtures.hex("07 00 00000004 00 00 02 03"))
        }
    }

    @Test func invalidAETitleIsRefusedWithItsOffset() {
        var bytes = Fixtures.associateRQBytes
        bytes[28] = 0x5C                                      // a backslash in the calling AE title
        #expect(throws: PDUDecodingError.invalidAETitle(.associateRQ, at: 26, field: "calling AE title", .invalidCharacter("EC\\OSCU         ", byte: 0x5C))) {
            try Fixtures.decode(bytes)
        }
    }

    @Test func missingAndDuplicateItemsAreRefused() {
        let withoutUserInformation = Fixtures.echoFixedFields + Fixtures.applicationContextItem + Fixtures.verificationContextRQItem
        #expect(throws: PDUDecodingError.missingItem(.associateRQ, item: .userInformation, inside: "the variable items of A-ASSOCIATE-RQ")) {
            try Fixtures.decode([1, 0] + Fixtures.bigEndian(UInt32(withoutUserInformation.count)) + withoutUserInformation)
        }
        let twoApplicationContexts = Fixtures.echoFixedFields + Fixtures.applicationContextItem + Fixtures.applicationContextItem + Fixtures.userInformationItem
        #expect(throws: PDUDecodingError.duplicateItem(.associateRQ, item: .applicationContext, at: 99)) {
            try Fixtures.decode([1, 0] + Fixtures.bigEndian(UInt32(twoApplicationContexts.count)) + twoApplicationContexts)
        }
        let acceptedWithoutSyntax = Fixtures.echoFixedFields + Fixtures.applicationContextItem + Fixtures.hex("21 00 0004 01 00 00 00") + Fixtures.userInformationItem
        #expect(throws: PDUDecodingError.self) {
            try Fixtures.decode([2, 0] + Fixtures.bigEndian(UInt32(acceptedWithoutSyntax.count)) + acceptedWithoutSyntax)
        }
    }

    @Test func presentationContextItemOfTheWrongKindIsRefused() {
        // A 21H (AC) item inside an A-ASSOCIATE-RQ.
        let body = Fixtures.echoFixedFields + Fixtures.applicationContextItem + Fixtures.verificationContextACItem + Fixtures.userInformationItem
        #expect(throws: PDUDecodingError.unexpectedItem(.associateRQ, item: 0x21, at: 99, inside: "the variable items of A-ASSOCIATE-RQ")) {
            try Fixtures.decode([1, 0] + Fixtures.bigEndian(UInt32(body.count)) + body)
        }
    }

    @Test func subItemWithTheWrongFixedLengthIsRefused() {
        let bytes = Fixtures.associateRQBytes(userInformationSubItems: Fixtures.hex("51 00 0002 4000"))
        #expect(throws: PDUDecodingError.invalidItemLength(.associateRQ, item: 0x51, at: 153, length: 2, expected: "PS3.7 Annex D.3.3 fixes it at 4")) {
            try Fixtures.decode(bytes)
        }
    }

    @Test func userIdentityFieldOverrunningItsSubItemIsRefused() {
        let bytes = Fixtures.associateRQBytes(userInformationSubItems: Fixtures.hex("58 00 0006 01 00 FFFF 0000"))
        #expect(throws: PDUDecodingError.truncated(.associateRQ, at: 161, reading: "primary field", expected: 0xFFFF, available: 2)) {
            try Fixtures.decode(bytes)
        }
    }

    @Test func errorDescriptionsNameThePDUItemAndOffset() {
        let text = PDUDecodingError.itemOverrun(.associateRQ, item: 0x30, at: 107, length: 64, available: 38).description
        #expect(text == "byte 107 of A-ASSOCIATE-RQ: abstract syntax sub-item (30H) announces 64 bytes but only 38 remain in the PDU or item that contains it")
        #expect(PDUDecodingError.unrecognizedPDUType(0x47).description.contains("0x47"))
    }

    /// Seeded random corruption of every golden PDU: whatever comes out, nothing traps.
    @Test func randomCorruptionNeverTraps() {
        var random = SplitMix64(seed: 0x5241_4D50_4152_54)
        var thrown = 0
        for round in 0..<4000 {
            var bytes = Fixtures.all[round % Fixtures.all.count].bytes
            for _ in 0..<(1 + Int(random.next() % 4)) {
                let index = Int(random.next() % UInt64(bytes.count))
                bytes[index] = UInt8(truncatingIfNeeded: random.next())
            }
            do { _ = try Fixtures.decode(bytes) } catch { thrown += 1 }
        }
        #expect(thrown > 0)
    }
}
