import DICOM
import DICOMNetwork
import NIOCore
import Testing

private typealias Tag = DICOM.Tag

/// Command sets against bytes written out by hand from PS3.7 6.3.1 and Annex E, cross-checked
/// with the command sets in pynetdicom's `tests/encoded_dimse_msg.py` (without their message
/// control header byte).
@Suite("DIMSE command sets: golden bytes, round trips, accessors")
struct DIMSECommandTests {
    static let ctImageStorage = "1.2.840.10008.5.1.4.1.1.2"

    /// An implicit VR little endian element: tag, 4-byte length, value (already even).
    static func element(_ group: UInt16, _ element: UInt16, _ value: [UInt8]) -> [UInt8] {
        le16(group) + le16(element) + le32(UInt32(value.count)) + value
    }

    static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    static func uid(_ text: String) -> [UInt8] { Array(text.utf8) + (text.utf8.count % 2 == 1 ? [0] : []) }

    /// (0000,0000) with the length of `body`, then `body`.
    static func commandSet(_ elements: [UInt8]...) -> [UInt8] {
        let body = elements.flatMap { $0 }
        return element(0, 0, le32(UInt32(body.count))) + body
    }

    static func bytes(_ command: DIMSECommand) -> [UInt8] {
        Array(command.encoded().readableBytesView)
    }

    static func decode(_ bytes: [UInt8]) throws(DIMSEError) -> DIMSECommand {
        try DIMSECommand(decoding: ByteBuffer(bytes: bytes))
    }

    // MARK: Golden bytes

    @Test func echoRequestWithMessageID1IsThe68BytesOfPS3_7() {
        let expected = Fixtures.hex("""
            0000 0000 04000000 38000000
            0000 0200 12000000 312E322E3834302E31303030382E312E3100
            0000 0001 02000000 3000
            0000 1001 02000000 0100
            0000 0008 02000000 0101
            """)
        #expect(expected.count == 68)
        #expect(Self.bytes(.echoRequest(messageID: 1)) == expected)
    }

    @Test func echoRequestAndResponseMatchPynetdicom() {
        let request = Self.commandSet(
            Self.element(0, 0x0002, Self.uid("1.2.840.10008.1.1")),
            Self.element(0, 0x0100, [0x30, 0x00]),
            Self.element(0, 0x0110, [0x07, 0x00]),
            Self.element(0, 0x0800, [0x01, 0x01])
        )
        #expect(request[8..<12] == [0x38, 0, 0, 0][...])
        #expect(Self.bytes(.echoRequest(messageID: 7)) == request)

        let response = Self.commandSet(
            Self.element(0, 0x0002, Self.uid("1.2.840.10008.1.1")),
            Self.element(0, 0x0100, [0x30, 0x80]),
            Self.element(0, 0x0120, [0x08, 0x00]),
            Self.element(0, 0x0800, [0x01, 0x01]),
            Self.element(0, 0x0900, [0x00, 0x00])
        )
        #expect(response[8..<12] == [0x42, 0, 0, 0][...])
        #expect(Self.bytes(.echoResponse(to: .echoRequest(messageID: 8), status: .success)) == response)
    }

    @Test func storeResponseMatchesPynetdicom() {
        let expected = Self.commandSet(
            Self.element(0, 0x0002, Self.uid("1.2.4.10")),
            Self.element(0, 0x0100, [0x01, 0x80]),
            Self.element(0, 0x0120, [0x05, 0x00]),
            Self.element(0, 0x0800, [0x01, 0x01]),
            Self.element(0, 0x0900, [0x00, 0x00]),
            Self.element(0, 0x1000, Self.uid("1.2.4.5.7.8"))
        )
        #expect(expected[8..<12] == [0x4C, 0, 0, 0][...])
        let request = DIMSECommand.storeRequest(messageID: 5, sopClassUID: "1.2.4.10", sopInstanceUID: "1.2.4.5.7.8")
        #expect(Self.bytes(.storeResponse(to: request, status: .success)) == expected)
    }

    @Test func findRequestAndPendingResponseMatchPynetdicom() {
        let request = Self.commandSet(
            Self.element(0, 0x0002, Self.uid(Self.ctImageStorage)),
            Self.element(0, 0x0100, [0x20, 0x00]),
            Self.element(0, 0x0110, [0x07, 0x00]),
            Self.element(0, 0x0700, [0x02, 0x00]),
            Self.element(0, 0x0800, [0x01, 0x00])
        )
        #expect(request[8..<12] == [0x4A, 0, 0, 0][...])
        #expect(Self.bytes(.findRequest(messageID: 7, sopClassUID: Self.ctImageStorage, priority: .low)) == request)

        let response = Self.commandSet(
            Self.element(0, 0x0002, Self.uid(Self.ctImageStorage)),
            Self.element(0, 0x0100, [0x20, 0x80]),
            Self.element(0, 0x0120, [0x05, 0x00]),
            Self.element(0, 0x0800, [0x01, 0x00]),
            Self.element(0, 0x0900, [0x00, 0xFF])
        )
        let find = DIMSECommand.findRequest(messageID: 5, sopClassUID: Self.ctImageStorage)
        #expect(Self.bytes(.findResponse(to: find, status: .pending, hasIdentifier: true)) == response)
    }

    @Test func getRequestAndRetrieveResponsesMatchPynetdicom() {
        let request = Self.commandSet(
            Self.element(0, 0x0002, Self.uid(Self.ctImageStorage)),
            Self.element(0, 0x0100, [0x10, 0x00]),
            Self.element(0, 0x0110, [0x07, 0x00]),
            Self.element(0, 0x0700, [0x02, 0x00]),
            Self.element(0, 0x0800, [0x01, 0x00])
        )
        #expect(Self.bytes(.getRequest(messageID: 7, sopClassUID: Self.ctImageStorage, priority: .low)) == request)

        for (field, requestCommand) in [
            (UInt16(0x8010), DIMSECommand.getRequest(messageID: 5, sopClassUID: Self.ctImageStorage)),
            (UInt16(0x8021), DIMSECommand.moveRequest(messageID: 5, sopClassUID: Self.ctImageStorage, destination: try! AETitle("MOVE_SCP"))),
        ] {
            let response = Self.commandSet(
                Self.element(0, 0x0002, Self.uid(Self.ctImageStorage)),
                Self.element(0, 0x0100, Self.le16(field)),
                Self.element(0, 0x0120, [0x05, 0x00]),
                Self.element(0, 0x0800, [0x01, 0x00]),
                Self.element(0, 0x0900, [0x00, 0xFF]),
                Self.element(0, 0x1020, [0x03, 0x00]),
                Self.element(0, 0x1021, [0x01, 0x00]),
                Self.element(0, 0x1022, [0x02, 0x00]),
                Self.element(0, 0x1023, [0x04, 0x00])
            )
            #expect(response[8..<12] == [0x72, 0, 0, 0][...])
            let built = DIMSECommand.retrieveResponse(to: requestCommand, status: .pending, remaining: 3, completed: 1,
                                                      failed: 2, warning: 4, hasIdentifier: true)
            #expect(Self.bytes(built) == response)
        }
    }

    /// pynetdicom pads AE titles to 16 bytes; both that and the even padding Rampart writes must read back.
    @Test func storeRequestWithSixteenByteMoveOriginatorDecodes() throws {
        let bytes = Self.commandSet(
            Self.element(0, 0x0002, Self.uid("1.1.1")),
            Self.element(0, 0x0100, [0x01, 0x00]),
            Self.element(0, 0x0110, [0x07, 0x00]),
            Self.element(0, 0x0700, [0x02, 0x00]),
            Self.element(0, 0x0800, [0x01, 0x00]),
            Self.element(0, 0x1000, Self.uid("1.2.1")),
            Self.element(0, 0x1030, Fixtures.ascii("UNITTEST        ")),
            Self.element(0, 0x1031, [0x03, 0x00])
        )
        #expect(bytes[8..<12] == [0x66, 0, 0, 0][...])
        let command = try Self.decode(bytes)
        #expect(command.commandField == .cStoreRQ)
        #expect(command.messageID == 7)
        #expect(command.affectedSOPClassUID == "1.1.1")
        #expect(command.affectedSOPInstanceUID == "1.2.1")
        #expect(command.priority == .low)
        #expect(command.hasDataSet)
        #expect(command.moveOriginatorAETitle == (try AETitle("UNITTEST")))
        #expect(command.moveOriginatorMessageID == 3)

        let ours = DIMSECommand.storeRequest(messageID: 7, sopClassUID: "1.1.1", sopInstanceUID: "1.2.1", priority: .low,
                                             moveOriginator: (try AETitle("UNITTEST"), 3))
        #expect(Self.bytes(ours).suffix(16 + 10) == (Self.element(0, 0x1030, Fixtures.ascii("UNITTEST")) + Self.element(0, 0x1031, [3, 0]))[...])
    }

    @Test func moveDestinationIsPaddedWithASpaceToEvenLength() throws {
        let command = DIMSECommand.moveRequest(messageID: 1, sopClassUID: Self.ctImageStorage, destination: try AETitle("STORE"))
        #expect(command.dataSet[.moveDestination]?.inlineBytes == Fixtures.ascii("STORE "))
        #expect(command.dataSet[.moveDestination]?.vr == .AE)
        #expect(command.moveDestination == (try AETitle("STORE")))
    }

    @Test func uidsArePaddedWithNUL() {
        let command = DIMSECommand.storeRequest(messageID: 1, sopClassUID: "1.2.3", sopInstanceUID: "1.2.34")
        #expect(command.dataSet[.affectedSOPClassUID]?.inlineBytes == Fixtures.ascii("1.2.3") + [0])
        #expect(command.dataSet[.affectedSOPInstanceUID]?.inlineBytes == Fixtures.ascii("1.2.34"))
        #expect(command.affectedSOPClassUID == "1.2.3")
    }

    @Test func statusIsWrittenAsUS() {
        let response = DIMSECommand.storeResponse(to: .storeRequest(messageID: 1, sopClassUID: "1.2", sopInstanceUID: "1.3"),
                                                  status: .refusedOutOfResources)
        #expect(response.dataSet[.status]?.vr == .US)
        #expect(response.dataSet[.status]?.inlineBytes == [0x00, 0xA7])
        #expect(response.status == .refusedOutOfResources)
    }

    // MARK: Round trips

    static let request = DIMSECommand.storeRequest(messageID: 0xBEEF, sopClassUID: ctImageStorage, sopInstanceUID: "1.2.3.4.5")
    static let commitment = DIMSECommand.actionRequest(messageID: 9, sopClassUID: "1.2.840.10008.1.20.1",
                                                       sopInstanceUID: "1.2.840.10008.1.20.1.1", actionTypeID: 1)
    static let report = DIMSECommand.eventReportRequest(messageID: 10, sopClassUID: "1.2.840.10008.1.20.1",
                                                        sopInstanceUID: "1.2.840.10008.1.20.1.1", eventTypeID: 2)

    static let everyConstructor: [(String, DIMSECommand)] = [
        ("C-ECHO-RQ", .echoRequest(messageID: 0)),
        ("C-ECHO-RSP", .echoResponse(to: .echoRequest(messageID: 65535), status: .success)),
        ("C-ECHO-RSP with comment", .echoResponse(to: .echoRequest(messageID: 2), status: .processingFailure, errorComment: "disk full")),
        ("C-STORE-RQ", request),
        ("C-STORE-RQ high", .storeRequest(messageID: 1, sopClassUID: "1.2", sopInstanceUID: "1.23", priority: .high)),
        ("C-STORE-RQ sub-operation", .storeRequest(messageID: 2, sopClassUID: "1.2", sopInstanceUID: "1.2.3", priority: .low,
                                                  moveOriginator: (try! AETitle("MOVESCU"), 77))),
        ("C-STORE-RSP", .storeResponse(to: request, status: .success)),
        ("C-STORE-RSP failure", .storeResponse(to: request, status: .errorDataSetDoesNotMatchSOPClass, errorComment: "SOP class mismatch",
                                               offendingElements: [Tag(0x0008, 0x0016), Tag(0x0010, 0x0010)])),
        ("C-FIND-RQ", .findRequest(messageID: 3, sopClassUID: "1.2.840.10008.5.1.4.1.2.2.1")),
        ("C-FIND-RSP pending", .findResponse(to: .findRequest(messageID: 3, sopClassUID: "1.2"), status: .pending, hasIdentifier: true)),
        ("C-FIND-RSP final", .findResponse(to: .findRequest(messageID: 3, sopClassUID: "1.2"), status: .success, hasIdentifier: false)),
        ("C-FIND-RSP failure", .findResponse(to: .findRequest(messageID: 3, sopClassUID: "1.2"), status: .unableToProcess,
                                             hasIdentifier: false, errorComment: "query failed")),
        ("C-MOVE-RQ", .moveRequest(messageID: 4, sopClassUID: "1.2.840.10008.5.1.4.1.2.2.2", destination: try! AETitle("WORKSTATION_01"))),
        ("C-MOVE-RSP pending", .retrieveResponse(to: .moveRequest(messageID: 4, sopClassUID: "1.2", destination: try! AETitle("A")),
                                                 status: .pending, remaining: 10, completed: 1, failed: 0, warning: 0)),
        ("C-MOVE-RSP final", .retrieveResponse(to: .moveRequest(messageID: 4, sopClassUID: "1.2", destination: try! AETitle("A")),
                                               status: .warningSubOperationsCompleteOneOrMoreFailures, remaining: nil,
                                               completed: 9, failed: 2, warning: 0, hasIdentifier: true)),
        ("C-GET-RQ", .getRequest(messageID: 5, sopClassUID: "1.2.840.10008.5.1.4.1.2.2.3", priority: .high)),
        ("C-GET-RSP", .retrieveResponse(to: .getRequest(messageID: 5, sopClassUID: "1.2"), status: .cancel, remaining: 3,
                                        completed: 1, failed: 0, warning: 1)),
        ("C-CANCEL-RQ", .cancelRequest(messageIDBeingRespondedTo: 3)),
        ("N-ACTION-RQ", commitment),
        ("N-ACTION-RSP", .actionResponse(to: commitment, status: .success)),
        ("N-ACTION-RSP failure", .actionResponse(to: commitment, status: .noSuchActionType, errorComment: "no such action", errorID: 7)),
        ("N-EVENT-REPORT-RQ", report),
        ("N-EVENT-REPORT-RSP", .eventReportResponse(to: report, status: .success)),
        ("N-EVENT-REPORT-RSP reply", .eventReportResponse(to: report, status: .noSuchEventType, hasEventReply: true)),
    ]

    @Test(arguments: everyConstructor.indices)
    func everyConstructorRoundTrips(index: Int) throws {
        let (name, command) = Self.everyConstructor[index]
        let decoded = try DIMSECommand(decoding: command.encoded())
        #expect(decoded == command, "\(name)")
        #expect(decoded.hashValue == command.hashValue, "\(name)")
        #expect(Self.bytes(decoded) == Self.bytes(command), "\(name)")
        #expect(command.encoded().readableBytes % 2 == 0, "\(name)")
    }

    @Test func responsesAnswerTheirRequests() throws {
        let store = DIMSECommand.storeResponse(to: Self.request, status: .success)
        #expect(store.commandField == .cStoreRSP)
        #expect(store.messageIDBeingRespondedTo == 0xBEEF)
        #expect(store.affectedSOPClassUID == Self.ctImageStorage)
        #expect(store.affectedSOPInstanceUID == "1.2.3.4.5")
        #expect(store.messageID == nil)
        #expect(!store.hasDataSet)

        let action = DIMSECommand.actionResponse(to: Self.commitment, status: .success)
        #expect(action.commandField == .nActionRSP)
        #expect(action.affectedSOPClassUID == "1.2.840.10008.1.20.1")
        #expect(action.affectedSOPInstanceUID == "1.2.840.10008.1.20.1.1")
        #expect(action.actionTypeID == 1)
        #expect(Self.commitment.requestedSOPClassUID == "1.2.840.10008.1.20.1")
        #expect(Self.commitment.requestedSOPInstanceUID == "1.2.840.10008.1.20.1.1")
        #expect(Self.commitment.hasDataSet)

        let event = DIMSECommand.eventReportResponse(to: Self.report, status: .success)
        #expect(event.commandField == .nEventReportRSP)
        #expect(event.eventTypeID == 2)
        #expect(event.messageIDBeingRespondedTo == 10)
        #expect(Self.report.eventTypeID == 2)
        #expect(Self.report.affectedSOPInstanceUID == "1.2.840.10008.1.20.1.1")
    }

    @Test func retrieveResponseFollowsTheRequestsCommand() throws {
        let get = DIMSECommand.retrieveResponse(to: .getRequest(messageID: 1, sopClassUID: "1.2"), status: .success,
                                                remaining: nil, completed: 4, failed: 0, warning: 0)
        #expect(get.commandField == .cGetRSP)
        #expect(get.remainingSubOperations == nil)
        #expect(get.completedSubOperations == 4)
        #expect(get.failedSubOperations == 0)
        #expect(get.warningSubOperations == 0)
        let move = DIMSECommand.retrieveResponse(to: .moveRequest(messageID: 1, sopClassUID: "1.2", destination: try AETitle("X")),
                                                 status: .pending, remaining: 2, completed: 1, failed: 1, warning: 0)
        #expect(move.commandField == .cMoveRSP)
        #expect(move.remainingSubOperations == 2)
        #expect(move.status?.category == .pending)
    }

    @Test func cancelRequestNamesTheOperation() {
        let cancel = DIMSECommand.cancelRequest(messageIDBeingRespondedTo: 42)
        #expect(cancel.commandField == .cCancelRQ)
        #expect(cancel.messageIDBeingRespondedTo == 42)
        #expect(cancel.messageID == nil)
        #expect(!cancel.hasDataSet)
        #expect(!CommandField.cCancelRQ.isResponse)
    }

    @Test func errorCommentIsCutToSixtyFourDefaultRepertoireCharacters() {
        let long = String(repeating: "x", count: 70)
        let response = DIMSECommand.storeResponse(to: Self.request, status: .processingFailure, errorComment: long)
        #expect(response.errorComment == String(repeating: "x", count: 64))
        let odd = DIMSECommand.storeResponse(to: Self.request, status: .processingFailure, errorComment: "naïve\\path\n")
        #expect(odd.errorComment == "na?ve?path?")
        #expect(odd.dataSet[.errorComment]?.inlineBytes?.count == 12)
        let empty = DIMSECommand.storeResponse(to: Self.request, status: .processingFailure, errorComment: "")
        #expect(empty.dataSet[.errorComment] == nil)
    }

    @Test func offendingElementsAreAT() {
        let response = DIMSECommand.storeResponse(to: Self.request, status: .warningCoercionOfDataElements,
                                                  offendingElements: [Tag(0x0010, 0x0020)])
        #expect(response.dataSet[.offendingElement]?.vr == .AT)
        #expect(response.dataSet[.offendingElement]?.inlineBytes == [0x10, 0x00, 0x20, 0x00])
        #expect(response.offendingElements == [Tag(0x0010, 0x0020)])
    }

    // MARK: Lenient accessors

    @Test func accessorsReadNilForTheWrongVROrLength() {
        var command = DIMSECommand.echoRequest(messageID: 1)
        command.dataSet.insert(DataElement(tag: .messageID, vr: .US, bytes: [1, 0, 0, 0]))
        command.dataSet.insert(DataElement(tag: .priority, vr: .UL, bytes: [1, 0]))
        command.dataSet.insert(DataElement(tag: .affectedSOPClassUID, vr: .LO, bytes: Fixtures.ascii("1.2")))
        command.dataSet.insert(DataElement(tag: .status, vr: .US, bytes: [1]))
        command.dataSet.insert(DataElement(tag: .offendingElement, vr: .AT, bytes: [1, 2, 3]))
        command.dataSet.insert(DataElement(tag: .moveDestination, vr: .AE, bytes: Fixtures.ascii("THIS TITLE IS FAR TOO LONG")))
        command.dataSet.insert(DataElement(tag: .errorComment, vr: .LT, bytes: Fixtures.ascii("text")))
        #expect(command.messageID == nil)
        #expect(command.priority == nil)
        #expect(command.affectedSOPClassUID == nil)
        #expect(command.status == nil)
        #expect(command.offendingElements.isEmpty)
        #expect(command.moveDestination == nil)
        #expect(command.errorComment == nil)
        #expect(command.commandField == .cEchoRQ)
    }

    @Test func unknownCommandFieldAndPriorityDecodeAsNil() throws {
        let bytes = Self.commandSet(
            Self.element(0, 0x0100, [0x34, 0x12]),
            Self.element(0, 0x0700, [0x07, 0x00])
        )
        let command = try Self.decode(bytes)
        #expect(command.commandField == nil)
        #expect(command.commandFieldValue == 0x1234)
        #expect(command.priority == nil)
        #expect(!command.hasDataSet)
        #expect(command.description.contains("command 1234H"))
    }

    @Test func anyDataSetTypeButNullMeansADataSet() throws {
        for (value, present) in [(UInt16(0x0000), true), (0x0001, true), (0x0102, true), (0xFEFE, true), (0x0101, false)] {
            let command = try Self.decode(Self.commandSet(
                Self.element(0, 0x0100, [0x01, 0x00]),
                Self.element(0, 0x0800, Self.le16(value))
            ))
            #expect(command.hasDataSet == present, "data set type \(value)")
        }
    }

    @Test func commandGroupLengthMayBeAbsent() throws {
        let bytes = Array(Self.bytes(.echoRequest(messageID: 3)).dropFirst(12))
        let command = try Self.decode(bytes)
        #expect(command == .echoRequest(messageID: 3))
    }

    @Test func groupLengthInTheDataSetIsRecomputedNotCopied() throws {
        var command = DIMSECommand.echoRequest(messageID: 1)
        command.dataSet.insert(DataElement(tag: .commandGroupLength, vr: .UL, bytes: [0xFF, 0, 0, 0]))
        #expect(Self.bytes(command) == Self.bytes(.echoRequest(messageID: 1)))
    }

    @Test func elementsOutsideGroup0000AreNotEncoded() {
        var command = DIMSECommand.echoRequest(messageID: 1)
        command.dataSet.insert(DataElement(tag: Tag(0x0008, 0x0016), vr: .UI, bytes: Fixtures.ascii("1.2.")))
        #expect(Self.bytes(command) == Self.bytes(.echoRequest(messageID: 1)))
    }

    @Test func commandFieldNamesAndResponses() {
        #expect(CommandField.cStoreRQ.response == .cStoreRSP)
        #expect(CommandField.nActionRQ.response == .nActionRSP)
        #expect(CommandField.cCancelRQ.response == nil)
        #expect(CommandField.cFindRSP.response == nil)
        for field in CommandField.allCases {
            #expect(field.isResponse == field.description.hasSuffix("-RSP"), "\(field)")
        }
        #expect(CommandField.nEventReportRQ.description == "N-EVENT-REPORT-RQ")
        #expect(Priority(rawValue: 0) == .medium)
        #expect(Priority(rawValue: 1) == .high)
        #expect(Priority(rawValue: 2) == .low)
    }

    @Test func descriptionLeavesOutInstanceUIDs() {
        let text = Self.request.description
        #expect(text.contains("C-STORE-RQ"))
        #expect(text.contains("id 48879"))
        #expect(!text.contains("1.2.3.4.5"))
    }
}
