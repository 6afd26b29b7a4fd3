import DICOMNetwork
import NIOCore
import Testing

@Suite("PDUs against golden bytes (PS3.8 9.3)")
struct PDUGoldenBytesTests {
    @Test(arguments: Fixtures.all.indices)
    func decodesGoldenBytesToTheExpectedPDU(index: Int) throws {
        let fixture = Fixtures.all[index]
        var buffer = ByteBuffer(bytes: fixture.bytes)
        let pdu = try PDUDecoder().decodePDU(from: &buffer)
        #expect(pdu == fixture.pdu, "\(fixture.name)")
        #expect(buffer.readableBytes == 0, "\(fixture.name) consumed entirely")
    }

    @Test(arguments: Fixtures.all.indices)
    func encodesThePDUToTheGoldenBytes(index: Int) throws {
        let fixture = Fixtures.all[index]
        #expect(try Fixtures.encode(fixture.pdu) == fixture.bytes, "\(fixture.name)")
    }

    @Test func associateRQFromECHOSCUCarriesEveryField() throws {
        guard case let .associateRQ(rq) = try Fixtures.decode(Fixtures.associateRQBytes) else {
            Issue.record("not an A-ASSOCIATE-RQ"); return
        }
        #expect(rq.protocolVersion == 1)
        #expect(rq.calledAETitle.value == "ANY-SCP")
        #expect(rq.callingAETitle.value == "ECHOSCU")
        #expect(rq.applicationContext == .dicom)
        #expect(rq.presentationContexts.map(\.id) == [1])
        #expect(rq.presentationContexts.first?.abstractSyntax == Fixtures.verification)
        #expect(rq.presentationContexts.first?.transferSyntaxes == [Fixtures.implicitVRLittleEndian])
        #expect(rq.userInformation.maximumLength == 16384)
        #expect(rq.userInformation.implementationClassUID == "1.2.276.0.7230010.3.0.3.6.0")
        #expect(rq.userInformation.implementationVersionName == "OFFIS_DCMTK_360")
    }

    /// pynetdicom's `a_associate_rq`: PYNETDICOM_090, maximum length 16382, 209 bytes after the header.
    @Test func decodesPynetdicomAssociateRQ() throws {
        let bytes = Fixtures.hex("01 00 000000D1") + Fixtures.echoFixedFields + Fixtures.applicationContextItem
            + Fixtures.verificationContextRQItem
            + Fixtures.hex("50 00 003E")
            + Fixtures.hex("51 00 0004 00003FFE")
            + Fixtures.hex("52 00 0020") + Fixtures.ascii("1.2.826.0.1.3680043.9.3811.0.9.0")
            + Fixtures.hex("55 00 000E") + Fixtures.ascii("PYNETDICOM_090")
        guard case let .associateRQ(rq) = try Fixtures.decode(bytes) else { Issue.record("not an A-ASSOCIATE-RQ"); return }
        #expect(rq.userInformation.maximumLength == 16382)
        #expect(rq.userInformation.implementationClassUID == "1.2.826.0.1.3680043.9.3811.0.9.0")
        #expect(rq.userInformation.implementationVersionName == "PYNETDICOM_090")
        #expect(try Fixtures.encode(.associateRQ(rq)) == bytes)
    }

    /// pynetdicom's `a_associate_ac`, byte for byte as that project writes it: an independent
    /// check of the fixture built from parts above.
    @Test func associateACFixtureMatchesPynetdicomByteForByte() throws {
        let pynetdicom = Fixtures.hex("""
            0200000000b800010000414e592d5343 502020202020202020204543484f5343 55202020202020202020000000000000
            00000000000000000000000000000000 0000000000000000000010000015312e 322e3834302e31303030382e332e312e
            312e3121000019010000004000001131 2e322e3834302e31303030382e312e32 5000003a51000004000040005200001b
            312e322e3237362e302e373233303031 302e332e302e332e362e305500000f4f 464649535f44434d544b5f333630
            """)
        #expect(Fixtures.associateACBytes == pynetdicom)
        #expect(try Fixtures.decode(pynetdicom) == .associateAC(Fixtures.associateAC))
    }

    @Test func associateRQWithSeveralTransferSyntaxesKeepsTheirOrder() throws {
        // pynetdicom's a_associate_rq_user_id_user_pass context: CT image storage, three syntaxes.
        let context = Fixtures.hex("20 00 0064 01 00 FF 00")     // reserved bytes not zero: ignored
            + Fixtures.hex("30 00 0019") + Fixtures.ascii(Fixtures.ctImageStorage)
            + Fixtures.hex("40 00 0013") + Fixtures.ascii("1.2.840.10008.1.2.1")
            + Fixtures.hex("40 00 0013") + Fixtures.ascii("1.2.840.10008.1.2.2")
            + Fixtures.hex("40 00 0011") + Fixtures.ascii("1.2.840.10008.1.2")
        let body = Fixtures.echoFixedFields + Fixtures.applicationContextItem + context + Fixtures.userInformationItem
        let bytes = [0x01, 0x00] + Fixtures.bigEndian(UInt32(body.count)) + body
        guard case let .associateRQ(rq) = try Fixtures.decode(bytes) else { Issue.record("not an A-ASSOCIATE-RQ"); return }
        #expect(rq.presentationContexts == [PresentationContextRQ(
            id: 1, abstractSyntax: Fixtures.ctImageStorage,
            transferSyntaxes: ["1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2", "1.2.840.10008.1.2"]
        )])
    }

    @Test(arguments: [(UInt8(1), PresentationContextAC.Result.userRejection), (2, .noReason), (3, .abstractSyntaxNotSupported), (4, .transferSyntaxesNotSupported)])
    func decodesRejectedPresentationContextResults(byte: UInt8, result: PresentationContextAC.Result) throws {
        let item = Fixtures.hex("21 00 0019 03 00") + [byte] + Fixtures.hex("00") + Fixtures.hex("40 00 0011") + Fixtures.ascii(Fixtures.implicitVRLittleEndian)
        let body = Fixtures.echoFixedFields + Fixtures.applicationContextItem + item + Fixtures.userInformationItem
        let bytes = [0x02, 0x00] + Fixtures.bigEndian(UInt32(body.count)) + body
        guard case let .associateAC(ac) = try Fixtures.decode(bytes) else { Issue.record("not an A-ASSOCIATE-AC"); return }
        #expect(ac.presentationContexts == [PresentationContextAC(id: 3, result: result, transferSyntax: Fixtures.implicitVRLittleEndian)])
    }

    @Test func rejectedPresentationContextWithoutTransferSyntaxDecodesToNil() throws {
        let item = Fixtures.hex("21 00 0004 05 00 03 00")
        let body = Fixtures.echoFixedFields + Fixtures.applicationContextItem + item + Fixtures.userInformationItem
        let bytes = [0x02, 0x00] + Fixtures.bigEndian(UInt32(body.count)) + body
        let expected = PresentationContextAC(id: 5, result: .abstractSyntaxNotSupported, transferSyntax: nil)
        guard case let .associateAC(ac) = try Fixtures.decode(bytes) else { Issue.record("not an A-ASSOCIATE-AC"); return }
        #expect(ac.presentationContexts == [expected])
        #expect(try Fixtures.encode(.associateAC(ac)) == bytes)
    }

    @Test(arguments: [
        ("01 01 01", AssociateRJ.Result.rejectedPermanent, AssociateRJ.Source.serviceUser(.noReasonGiven)),
        ("01 01 02", .rejectedPermanent, .serviceUser(.applicationContextNameNotSupported)),
        ("01 01 03", .rejectedPermanent, .serviceUser(.callingAETitleNotRecognized)),
        ("02 01 07", .rejectedTransient, .serviceUser(.calledAETitleNotRecognized)),
        ("01 02 01", .rejectedPermanent, .serviceProviderACSE(.noReasonGiven)),
        ("01 02 02", .rejectedPermanent, .serviceProviderACSE(.protocolVersionNotSupported)),
        ("02 03 01", .rejectedTransient, .serviceProviderPresentation(.temporaryCongestion)),
        ("02 03 02", .rejectedTransient, .serviceProviderPresentation(.localLimitExceeded)),
    ])
    func associateRJCarriesEveryTable921Value(fields: String, result: AssociateRJ.Result, source: AssociateRJ.Source) throws {
        let bytes = Fixtures.hex("03 00 00000004 00 \(fields)")
        let expected = PDU.associateRJ(AssociateRJ(result: result, source: source))
        #expect(try Fixtures.decode(bytes) == expected)
        #expect(try Fixtures.encode(expected) == bytes)
    }

    @Test(arguments: [
        ("00", Abort.Reason.notSpecified), ("01", .unrecognizedPDU), ("02", .unexpectedPDU),
        ("04", .unrecognizedPDUParameter), ("05", .unexpectedPDUParameter), ("06", .invalidPDUParameterValue),
    ])
    func abortFromTheProviderCarriesEveryTable926Reason(reason: String, expected: Abort.Reason) throws {
        let bytes = Fixtures.hex("07 00 00000004 00 00 02 \(reason)")
        let pdu = PDU.abort(Abort(source: .serviceProvider, reason: expected))
        #expect(try Fixtures.decode(bytes) == pdu)
        #expect(try Fixtures.encode(pdu) == bytes)
    }

    @Test func abortFromTheUserIgnoresItsReasonField() throws {
        #expect(try Fixtures.decode(Fixtures.hex("07 00 00000004 00 00 00 05")) == .abort(Abort(source: .serviceUser)))
    }

    @Test func reservedBytesAreIgnoredOnReceipt() throws {
        // Reserved bytes of the PDU header, release PDUs, A-ABORT and A-ASSOCIATE-RJ set to FF.
        #expect(try Fixtures.decode(Fixtures.hex("05 FF 00000004 FFFFFFFF")) == .releaseRQ(ReleaseRQ()))
        #expect(try Fixtures.decode(Fixtures.hex("06 FF 00000004 FFFFFFFF")) == .releaseRP(ReleaseRP()))
        #expect(try Fixtures.decode(Fixtures.hex("07 FF 00000004 FF FF 02 01")) == .abort(Abort(source: .serviceProvider, reason: .unrecognizedPDU)))
        #expect(try Fixtures.decode(Fixtures.hex("03 FF 00000004 FF 01 01 03")) == .associateRJ(AssociateRJ(result: .rejectedPermanent, source: .serviceUser(.callingAETitleNotRecognized))))
        var rq = Fixtures.associateRQBytes
        rq[1] = 0xFF; rq[8] = 0xFF; rq[9] = 0xFF           // PDU header and after the protocol version
        for i in 42..<74 { rq[i] = 0xFF }                    // the 32 reserved bytes
        rq[74 + 25 + 1] = 0xFF                               // reserved byte of the presentation context item
        #expect(try Fixtures.decode(rq) == .associateRQ(Fixtures.associateRQ))
    }

    @Test func messageControlHeaderReservedBitsAreIgnored() throws {
        let bytes = Fixtures.hex("04 00 00000008 00000004 07 FD 0102")
        let value = PresentationDataValue(presentationContextID: 7, isCommand: true, isLastFragment: false, data: ByteBuffer(bytes: [1, 2]))
        #expect(try Fixtures.decode(bytes) == .dataTF(PDataTF(values: [value])))
    }
}
