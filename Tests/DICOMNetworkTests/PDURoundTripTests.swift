import DICOMNetwork
import NIOCore
import Testing

@Suite("Encode then decode gives back the same PDU")
struct PDURoundTripTests {
    static let samples: [PDU] = {
        let everySubItem = UserInformation(subItems: [
            .maximumLength(0),
            .implementationClassUID("1.2.826.0.1.3680043.10.1"),
            .asynchronousOperationsWindow(AsynchronousOperationsWindow(maximumOperationsInvoked: 0, maximumOperationsPerformed: 1)),
            .roleSelection(RoleSelection(sopClassUID: "1.2.840.10008.5.1.4.1.1.2", scuRole: true, scpRole: true)),
            .implementationVersionName("RAMPART_1"),
            .sopClassExtendedNegotiation(SOPClassExtendedNegotiation(sopClassUID: "1.2.840.10008.5.1.4.1.2.2.1", serviceClassApplicationInformation: [1, 1, 0])),
            .sopClassCommonExtendedNegotiation(SOPClassCommonExtendedNegotiation(
                sopClassUID: "1.2.840.10008.5.1.4.1.1.88.22", serviceClassUID: "1.2.840.10008.4.2",
                relatedGeneralSOPClassUIDs: ["1.2.840.10008.5.1.4.1.1.88.11", "1.2.840.10008.5.1.4.1.1.88.33"]
            )),
            .userIdentityRQ(UserIdentityRQ(kind: .usernameAndPasscode, positiveResponseRequested: true, primaryField: Array("alice".utf8), secondaryField: Array("s3cret".utf8))),
            .unknown(RawItem(type: 0x7A, data: [0, 1, 2])),
        ])
        let rq = AssociateRQ(
            calledAETitle: try! AETitle("RAMPART"),
            callingAETitle: try! AETitle("MODALITY01"),
            presentationContexts: (0..<64).map { i in
                PresentationContextRQ(id: UInt8(2 * i + 1), abstractSyntax: "1.2.840.10008.5.1.4.1.1.\(i)", transferSyntaxes: ["1.2.840.10008.1.2.1", "1.2.840.10008.1.2"])
            },
            userInformation: everySubItem
        )
        let ac = AssociateAC(
            calledAETitle: try! AETitle("RAMPART"),
            callingAETitle: .blank,
            presentationContexts: [
                PresentationContextAC(id: 1, result: .acceptance, transferSyntax: "1.2.840.10008.1.2.1"),
                PresentationContextAC(id: 3, result: .transferSyntaxesNotSupported, transferSyntax: nil),
            ],
            userInformation: UserInformation(subItems: [.maximumLength(65536), .userIdentityAC(UserIdentityAC(serverResponse: []))])
        )
        let bigFragment = ByteBuffer(repeating: 0x5A, count: 70_000)
        return [
            .associateRQ(rq),
            .associateAC(ac),
            .associateRJ(AssociateRJ(result: .rejectedTransient, source: .serviceProviderPresentation(.temporaryCongestion))),
            .dataTF(PDataTF(values: [PresentationDataValue(presentationContextID: 255, isCommand: false, isLastFragment: true, data: bigFragment)])),
            .dataTF(PDataTF(values: [PresentationDataValue(presentationContextID: 1, isCommand: true, isLastFragment: false, data: ByteBuffer())])),
            .releaseRQ(ReleaseRQ()),
            .releaseRP(ReleaseRP()),
            .abort(Abort(source: .serviceProvider, reason: .invalidPDUParameterValue)),
            .abort(Abort(source: .reserved)),
        ]
    }()

    @Test(arguments: samples.indices)
    func encodedPDUDecodesToItself(index: Int) throws {
        let pdu = Self.samples[index]
        var buffer = try PDUEncoder().encode(pdu)
        let decoded = try PDUDecoder().decodePDU(from: &buffer)
        #expect(decoded == pdu)
        #expect(buffer.readableBytes == 0)
    }

    @Test func encodingAppendsAfterWhatIsAlreadyInTheBuffer() throws {
        var buffer = ByteBuffer(bytes: [0xEE])
        try PDUEncoder().encode(.releaseRQ(ReleaseRQ()), into: &buffer)
        #expect(Array(buffer.readableBytesView) == [0xEE] + Fixtures.releaseRQBytes)
    }

    @Test func itemTooLongForItsLengthFieldIsRefusedAndLeavesTheBufferAsItWas() {
        let rq = AssociateRQ(
            calledAETitle: .blank, callingAETitle: .blank,
            presentationContexts: [],
            userInformation: UserInformation(subItems: [.unknown(RawItem(type: 0x7F, data: [UInt8](repeating: 0, count: 70_000)))])
        )
        var buffer = ByteBuffer(bytes: [1, 2, 3])
        #expect(throws: PDUEncodingError.itemTooLong(.associateRQ, item: 0x7F, length: 70_000)) {
            try PDUEncoder().encode(.associateRQ(rq), into: &buffer)
        }
        #expect(Array(buffer.readableBytesView) == [1, 2, 3])
    }

    @Test func userIdentityFieldTooLongIsRefused() {
        let identity = UserIdentityRQ(kind: .jwt, positiveResponseRequested: false, primaryField: [UInt8](repeating: 0x41, count: 65_536))
        let rq = AssociateRQ(calledAETitle: .blank, callingAETitle: .blank, presentationContexts: [], userInformation: UserInformation(subItems: [.userIdentityRQ(identity)]))
        #expect(throws: PDUEncodingError.fieldTooLong(.associateRQ, field: "user identity primary field", length: 65_536)) {
            _ = try PDUEncoder().encode(.associateRQ(rq))
        }
    }
}
