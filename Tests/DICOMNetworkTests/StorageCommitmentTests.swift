import DICOM
import DICOMNetwork
import NIOCore
import Testing

private typealias Tag = DICOM.Tag

/// Storage commitment messages (PS3.4 J.3, PS3.7 10.3.1 and 10.3.4) against the bytes pynetdicom
/// 3.0.4 encodes for the same primitives (`dimse_messages.N_ACTION_RQ` and friends, command set
/// encoded implicit VR little endian), and the action and event information both ways.
@Suite("Storage commitment: N-ACTION and N-EVENT-REPORT golden bytes, action and event information")
struct StorageCommitmentTests {
    static let sopClass = WellKnownSOPClass.storageCommitmentPushModel
    static let instance = WellKnownSOPClass.storageCommitmentPushModelInstance
    static let ctImage = "1.2.840.10008.5.1.4.1.1.2"

    static func bytes(_ command: DIMSECommand) -> [UInt8] { Array(command.encoded().readableBytesView) }

    static let action = DIMSECommand.actionRequest(messageID: 9, sopClassUID: sopClass, sopInstanceUID: instance, actionTypeID: 1)
    static let report = DIMSECommand.eventReportRequest(messageID: 10, sopClassUID: sopClass, sopInstanceUID: instance, eventTypeID: 2)

    @Test func wellKnownUIDsAreThoseOfPS3_4_J3() {
        #expect(Self.sopClass == "1.2.840.10008.1.20.1")
        #expect(Self.instance == "1.2.840.10008.1.20.1.1")
    }

    @Test func actionRequestMatchesPynetdicom() throws {
        let expected = Fixtures.hex("""
            0000 0000 04000000 62000000
            0000 0300 14000000 312E322E3834302E31303030382E312E32302E31
            0000 0001 02000000 3001
            0000 1001 02000000 0900
            0000 0008 02000000 0100
            0000 0110 16000000 312E322E3834302E31303030382E312E32302E312E31
            0000 0810 02000000 0100
            """)
        #expect(Self.bytes(Self.action) == expected)
        let decoded = try DIMSECommand(decoding: ByteBuffer(bytes: expected))
        #expect(decoded.commandField == .nActionRQ)
        #expect(decoded.requestedSOPClassUID == Self.sopClass)
        #expect(decoded.requestedSOPInstanceUID == Self.instance)
        #expect(decoded.actionTypeID == 1)
        #expect(decoded.hasDataSet)
    }

    @Test func actionResponseMatchesPynetdicom() {
        let expected = Fixtures.hex("""
            0000 0000 04000000 6C000000
            0000 0200 14000000 312E322E3834302E31303030382E312E32302E31
            0000 0001 02000000 3081
            0000 2001 02000000 0900
            0000 0008 02000000 0101
            0000 0009 02000000 0000
            0000 0010 16000000 312E322E3834302E31303030382E312E32302E312E31
            0000 0810 02000000 0100
            """)
        #expect(Self.bytes(.actionResponse(to: Self.action, status: .success)) == expected)
    }

    @Test func eventReportRequestMatchesPynetdicom() throws {
        let expected = Fixtures.hex("""
            0000 0000 04000000 62000000
            0000 0200 14000000 312E322E3834302E31303030382E312E32302E31
            0000 0001 02000000 0001
            0000 1001 02000000 0A00
            0000 0008 02000000 0100
            0000 0010 16000000 312E322E3834302E31303030382E312E32302E312E31
            0000 0210 02000000 0200
            """)
        #expect(Self.bytes(Self.report) == expected)
        let decoded = try DIMSECommand(decoding: ByteBuffer(bytes: expected))
        #expect(decoded.commandField == .nEventReportRQ)
        #expect(decoded.affectedSOPClassUID == Self.sopClass)
        #expect(decoded.affectedSOPInstanceUID == Self.instance)
        #expect(decoded.eventTypeID == 2)
    }

    @Test func eventReportResponseMatchesPynetdicom() {
        let expected = Fixtures.hex("""
            0000 0000 04000000 6C000000
            0000 0200 14000000 312E322E3834302E31303030382E312E32302E31
            0000 0001 02000000 0081
            0000 2001 02000000 0A00
            0000 0008 02000000 0101
            0000 0009 02000000 0000
            0000 0010 16000000 312E322E3834302E31303030382E312E32302E312E31
            0000 0210 02000000 0200
            """)
        #expect(Self.bytes(.eventReportResponse(to: Self.report, status: .success)) == expected)
    }

    // MARK: Event information (PS3.4 Table J.3-2)

    /// pydicom 3.0.2's encoding (implicit VR little endian, defined-length sequences) of a report
    /// with one committed and one failed (0112H) instance.
    static let pydicomEventInformation = Fixtures.hex("""
        0800 9511 06000000 322E32352E37
        0800 9811 44000000
          FEFF 00E0 3C000000
            0800 5011 1A000000 312E322E3834302E31303030382E352E312E342E312E312E3200
            0800 5511 08000000 322E32352E313200
            0800 9711 02000000 1201
        0800 9911 3A000000
          FEFF 00E0 32000000
            0800 5011 1A000000 312E322E3834302E31303030382E352E312E342E312E312E3200
            0800 5511 08000000 322E32352E313100
        """)

    static let mixed = StorageCommitmentResult(
        transactionUID: "2.25.7",
        committed: [SOPReference(sopClassUID: ctImage, sopInstanceUID: "2.25.11")],
        failed: [StorageCommitmentFailure(reference: SOPReference(sopClassUID: ctImage, sopInstanceUID: "2.25.12"), reason: .noSuchObjectInstance)])

    @Test func eventInformationEncodedByPydicomDecodes() throws {
        let dataSet = try DataSet(decoding: Self.pydicomEventInformation, transferSyntax: .implicitVRLittleEndian)
        #expect(try StorageCommitmentResult(eventInformation: dataSet) == Self.mixed)
    }

    @Test(arguments: [TransferSyntax.implicitVRLittleEndian, .explicitVRLittleEndian])
    func eventInformationRoundTrips(syntax: TransferSyntax) throws {
        let allCommitted = StorageCommitmentResult(transactionUID: "2.25.8", committed: Self.mixed.committed, failed: [])
        let allFailed = StorageCommitmentResult(transactionUID: "2.25.9", committed: [], failed: Self.mixed.failed)
        for result in [Self.mixed, allCommitted, allFailed] {
            let bytes = try result.eventInformation.encoded(in: syntax)
            #expect(try StorageCommitmentResult(eventInformation: DataSet(decoding: bytes, transferSyntax: syntax)) == result)
        }
        #expect(allCommitted.eventTypeID == 1)
        #expect(Self.mixed.eventTypeID == 2)
        #expect(allFailed.eventTypeID == 2)
        #expect(allFailed.eventInformation[Tag(0x0008, 0x1199)] == nil, "event 2 with nothing committed has no Referenced SOP Sequence")
        #expect(allCommitted.eventInformation[Tag(0x0008, 0x1198)] == nil, "event 1 has no Failed SOP Sequence")
    }

    // MARK: Action information (PS3.4 Table J.3-1)

    @Test func actionInformationRoundTrips() throws {
        let request = StorageCommitmentRequest(transactionUID: "2.25.42", references: [
            SOPReference(sopClassUID: Self.ctImage, sopInstanceUID: "2.25.1"),
            SOPReference(sopClassUID: "1.2.840.10008.5.1.4.1.1.4", sopInstanceUID: "2.25.2"),
        ])
        let bytes = try request.actionInformation.encoded(in: .implicitVRLittleEndian)
        #expect(try StorageCommitmentRequest(actionInformation: DataSet(decoding: bytes, transferSyntax: .implicitVRLittleEndian)) == request)
    }

    @Test func actionInformationWithoutWhatJ3RequiresIsRefusedWithItsStatus() throws {
        func information(transaction: String?, items: [[(Tag, String)]]?) -> DataSet {
            var dataSet = DataSet()
            if let transaction { dataSet.insert(.uid(Tag(0x0008, 0x1195), transaction)) }
            if let items {
                dataSet.insert(DataElement(tag: Tag(0x0008, 0x1199), items: items.map { elements in
                    var item = DataSet()
                    for (tag, uid) in elements { item.insert(.uid(tag, uid)) }
                    return item
                }))
            }
            return dataSet
        }
        let good = [(Tag(0x0008, 0x1150), Self.ctImage), (Tag(0x0008, 0x1155), "2.25.1")]
        let cases: [(DataSet, DIMSEStatus)] = [
            (information(transaction: nil, items: [good]), .missingAttribute),
            (information(transaction: "2.25.1", items: nil), .missingAttribute),
            (information(transaction: "2.25.1", items: []), .missingAttribute),
            (information(transaction: "../etc", items: [good]), .invalidArgumentValue),
            (information(transaction: "2.25.1", items: [good, [(Tag(0x0008, 0x1150), Self.ctImage)]]), .invalidArgumentValue),
        ]
        for (dataSet, status) in cases {
            #expect { try StorageCommitmentRequest(actionInformation: dataSet) } throws: { error in
                (error as? StorageCommitmentError)?.status == status
            }
        }
    }
}
