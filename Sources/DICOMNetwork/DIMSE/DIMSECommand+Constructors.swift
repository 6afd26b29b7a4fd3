import DICOM

/// The command sets Rampart sends, with the fields PS3.7 9.3 and 10.3 require for each.
/// Responses copy the request's SOP class and instance UIDs when the tables allow them
/// ("U(=)"), because DCMTK and pynetdicom check them against the request.
extension DIMSECommand {
    /// The Verification SOP class (PS3.4 A.4), the only SOP class of C-ECHO.
    public static let verificationSOPClassUID = "1.2.840.10008.1.1"

    // MARK: C-ECHO (PS3.7 9.3.5)

    /// C-ECHO-RQ (PS3.7 Table 9.3-12).
    public static func echoRequest(messageID: UInt16) -> DIMSECommand {
        var builder = Builder(.cEchoRQ)
        builder.uid(.affectedSOPClassUID, verificationSOPClassUID)
        builder.us(.messageID, messageID)
        builder.us(.commandDataSetType, noDataSet)
        return builder.command
    }

    /// C-ECHO-RSP (PS3.7 Table 9.3-13).
    public static func echoResponse(to request: DIMSECommand, status: DIMSEStatus, errorComment: String? = nil) -> DIMSECommand {
        var builder = Builder(.cEchoRSP)
        builder.uid(.affectedSOPClassUID, request.affectedSOPClassUID)
        builder.us(.messageIDBeingRespondedTo, request.messageID)
        builder.us(.commandDataSetType, noDataSet)
        builder.us(.status, status.rawValue)
        builder.lo(.errorComment, errorComment)
        return builder.command
    }

    // MARK: C-STORE (PS3.7 9.3.1)

    /// C-STORE-RQ (PS3.7 Table 9.3-1). `moveOriginator` is the AE title and message ID of the
    /// C-MOVE-RQ this store is a sub-operation of.
    public static func storeRequest(messageID: UInt16, sopClassUID: String, sopInstanceUID: String,
                                    priority: Priority = .medium, moveOriginator: (AETitle, UInt16)? = nil) -> DIMSECommand {
        var builder = Builder(.cStoreRQ)
        builder.uid(.affectedSOPClassUID, sopClassUID)
        builder.us(.messageID, messageID)
        builder.us(.priority, priority.rawValue)
        builder.us(.commandDataSetType, dataSetPresent)
        builder.uid(.affectedSOPInstanceUID, sopInstanceUID)
        if let (title, originatorMessageID) = moveOriginator {
            builder.ae(.moveOriginatorApplicationEntityTitle, title)
            builder.us(.moveOriginatorMessageID, originatorMessageID)
        }
        return builder.command
    }

    /// C-STORE-RSP (PS3.7 Table 9.3-2). `offendingElements` goes with the A9xx, Cxxx and
    /// warning statuses (PS3.4 B.2.3).
    public static func storeResponse(to request: DIMSECommand, status: DIMSEStatus, errorComment: String? = nil,
                                     offendingElements: [Tag] = []) -> DIMSECommand {
        var builder = Builder(.cStoreRSP)
        builder.uid(.affectedSOPClassUID, request.affectedSOPClassUID)
        builder.us(.messageIDBeingRespondedTo, request.messageID)
        builder.us(.commandDataSetType, noDataSet)
        builder.us(.status, status.rawValue)
        builder.at(.offendingElement, offendingElements)
        builder.lo(.errorComment, errorComment)
        builder.uid(.affectedSOPInstanceUID, request.affectedSOPInstanceUID)
        return builder.command
    }

    // MARK: C-FIND (PS3.7 9.3.2)

    /// C-FIND-RQ (PS3.7 Table 9.3-3); the identifier follows as the data set.
    public static func findRequest(messageID: UInt16, sopClassUID: String, priority: Priority = .medium) -> DIMSECommand {
        var builder = Builder(.cFindRQ)
        builder.uid(.affectedSOPClassUID, sopClassUID)
        builder.us(.messageID, messageID)
        builder.us(.priority, priority.rawValue)
        builder.us(.commandDataSetType, dataSetPresent)
        return builder.command
    }

    /// C-FIND-RSP (PS3.7 Table 9.3-4). Pending responses carry an identifier; the final one does not.
    public static func findResponse(to request: DIMSECommand, status: DIMSEStatus, hasIdentifier: Bool,
                                    errorComment: String? = nil, offendingElements: [Tag] = []) -> DIMSECommand {
        var builder = Builder(.cFindRSP)
        builder.uid(.affectedSOPClassUID, request.affectedSOPClassUID)
        builder.us(.messageIDBeingRespondedTo, request.messageID)
        builder.us(.commandDataSetType, hasIdentifier ? dataSetPresent : noDataSet)
        builder.us(.status, status.rawValue)
        builder.at(.offendingElement, offendingElements)
        builder.lo(.errorComment, errorComment)
        return builder.command
    }

    /// C-CANCEL-RQ (PS3.7 Tables 9.3-5, 9.3-8, 9.3-11): cancels the C-FIND, C-GET or C-MOVE whose
    /// request had `messageIDBeingRespondedTo` as its Message ID.
    public static func cancelRequest(messageIDBeingRespondedTo: UInt16) -> DIMSECommand {
        var builder = Builder(.cCancelRQ)
        builder.us(.messageIDBeingRespondedTo, messageIDBeingRespondedTo)
        builder.us(.commandDataSetType, noDataSet)
        return builder.command
    }

    // MARK: C-GET and C-MOVE (PS3.7 9.3.3, 9.3.4)

    /// C-MOVE-RQ (PS3.7 Table 9.3-9); the identifier follows as the data set.
    public static func moveRequest(messageID: UInt16, sopClassUID: String, destination: AETitle,
                                   priority: Priority = .medium) -> DIMSECommand {
        var builder = Builder(.cMoveRQ)
        builder.uid(.affectedSOPClassUID, sopClassUID)
        builder.us(.messageID, messageID)
        builder.ae(.moveDestination, destination)
        builder.us(.priority, priority.rawValue)
        builder.us(.commandDataSetType, dataSetPresent)
        return builder.command
    }

    /// C-GET-RQ (PS3.7 Table 9.3-6); the identifier follows as the data set.
    public static func getRequest(messageID: UInt16, sopClassUID: String, priority: Priority = .medium) -> DIMSECommand {
        var builder = Builder(.cGetRQ)
        builder.uid(.affectedSOPClassUID, sopClassUID)
        builder.us(.messageID, messageID)
        builder.us(.priority, priority.rawValue)
        builder.us(.commandDataSetType, dataSetPresent)
        return builder.command
    }

    /// C-GET-RSP when `request` is a C-GET-RQ, C-MOVE-RSP otherwise (PS3.7 Tables 9.3-7 and
    /// 9.3-10). `remaining` is required while pending and left out of a final response, except
    /// a cancelled one may give the sub-operations not started (PS3.4 C.4.2.1.6 to C.4.2.1.9);
    /// `hasIdentifier` is for a final response carrying the Failed SOP Instance UID List
    /// (0008,0058).
    public static func retrieveResponse(to request: DIMSECommand, status: DIMSEStatus, remaining: UInt16?,
                                        completed: UInt16, failed: UInt16, warning: UInt16,
                                        hasIdentifier: Bool = false, errorComment: String? = nil) -> DIMSECommand {
        var builder = Builder(request.commandField == .cGetRQ ? .cGetRSP : .cMoveRSP)
        builder.uid(.affectedSOPClassUID, request.affectedSOPClassUID)
        builder.us(.messageIDBeingRespondedTo, request.messageID)
        builder.us(.commandDataSetType, hasIdentifier ? dataSetPresent : noDataSet)
        builder.us(.status, status.rawValue)
        builder.lo(.errorComment, errorComment)
        builder.us(.numberOfRemainingSuboperations, remaining)
        builder.us(.numberOfCompletedSuboperations, completed)
        builder.us(.numberOfFailedSuboperations, failed)
        builder.us(.numberOfWarningSuboperations, warning)
        return builder.command
    }

    // MARK: N-EVENT-REPORT (PS3.7 10.3.1)

    /// N-EVENT-REPORT-RQ (PS3.7 Table 10.3-1). Storage commitment (PS3.4 J.3.3) reports event
    /// type 1 (all succeeded) or 2 (failures) on the instance the N-ACTION-RQ named, with the
    /// event information as the data set.
    public static func eventReportRequest(messageID: UInt16, sopClassUID: String, sopInstanceUID: String,
                                          eventTypeID: UInt16, hasEventInformation: Bool = true) -> DIMSECommand {
        var builder = Builder(.nEventReportRQ)
        builder.uid(.affectedSOPClassUID, sopClassUID)
        builder.us(.messageID, messageID)
        builder.us(.commandDataSetType, hasEventInformation ? dataSetPresent : noDataSet)
        builder.uid(.affectedSOPInstanceUID, sopInstanceUID)
        builder.us(.eventTypeID, eventTypeID)
        return builder.command
    }

    /// N-EVENT-REPORT-RSP (PS3.7 Table 10.3-2).
    public static func eventReportResponse(to request: DIMSECommand, status: DIMSEStatus, hasEventReply: Bool = false,
                                           errorComment: String? = nil, errorID: UInt16? = nil) -> DIMSECommand {
        var builder = Builder(.nEventReportRSP)
        builder.uid(.affectedSOPClassUID, request.affectedSOPClassUID)
        builder.us(.messageIDBeingRespondedTo, request.messageID)
        builder.us(.commandDataSetType, hasEventReply ? dataSetPresent : noDataSet)
        builder.us(.status, status.rawValue)
        builder.lo(.errorComment, errorComment)
        builder.us(.errorID, errorID)
        builder.uid(.affectedSOPInstanceUID, request.affectedSOPInstanceUID)
        builder.us(.eventTypeID, request.eventTypeID)
        return builder.command
    }

    // MARK: N-ACTION (PS3.7 10.3.4)

    /// N-ACTION-RQ (PS3.7 Table 10.3-7). Storage commitment (PS3.4 J.3.2) requests action type 1
    /// on SOP class 1.2.840.10008.1.20.1, instance 1.2.840.10008.1.20.1.1, with the action
    /// information as the data set.
    public static func actionRequest(messageID: UInt16, sopClassUID: String, sopInstanceUID: String,
                                     actionTypeID: UInt16, hasActionInformation: Bool = true) -> DIMSECommand {
        var builder = Builder(.nActionRQ)
        builder.uid(.requestedSOPClassUID, sopClassUID)
        builder.us(.messageID, messageID)
        builder.us(.commandDataSetType, hasActionInformation ? dataSetPresent : noDataSet)
        builder.uid(.requestedSOPInstanceUID, sopInstanceUID)
        builder.us(.actionTypeID, actionTypeID)
        return builder.command
    }

    /// N-ACTION-RSP (PS3.7 Table 10.3-8): the request's Requested SOP class and instance come
    /// back as the Affected ones.
    public static func actionResponse(to request: DIMSECommand, status: DIMSEStatus, hasActionReply: Bool = false,
                                      errorComment: String? = nil, errorID: UInt16? = nil) -> DIMSECommand {
        var builder = Builder(.nActionRSP)
        builder.uid(.affectedSOPClassUID, request.requestedSOPClassUID)
        builder.us(.messageIDBeingRespondedTo, request.messageID)
        builder.us(.commandDataSetType, hasActionReply ? dataSetPresent : noDataSet)
        builder.us(.status, status.rawValue)
        builder.lo(.errorComment, errorComment)
        builder.us(.errorID, errorID)
        builder.uid(.affectedSOPInstanceUID, request.requestedSOPInstanceUID)
        builder.us(.actionTypeID, request.actionTypeID)
        return builder.command
    }

    // MARK: Writing values

    /// Writes command elements with the VRs of PS3.7 Annex E, padded as `init(decoding:)` will
    /// read them back, so a built command equals its decoded encoding. A nil value is left out:
    /// a response to a request that lacked a field cannot echo it.
    struct Builder {
        private(set) var command: DIMSECommand

        init(_ field: CommandField) {
            command = DIMSECommand(DataSet())
            us(.commandField, field.rawValue)
        }

        mutating func us(_ tag: Tag, _ value: UInt16?) {
            guard let value else { return }
            put(tag, .US, [UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8)])
        }

        /// UIDs are padded with NUL to even length (PS3.5 9.1).
        mutating func uid(_ tag: Tag, _ value: String?) {
            guard let value else { return }
            put(tag, .UI, Self.padded(Array(value.utf8), with: 0x00))
        }

        /// AE titles without their insignificant spaces, padded with a space to even length (PS3.5 6.2).
        mutating func ae(_ tag: Tag, _ title: AETitle) {
            put(tag, .AE, Self.padded(Array(title.value.utf8), with: 0x20))
        }

        /// LO: at most 64 characters of the default repertoire, which is all a command set may use
        /// (it has no Specific Character Set), with no backslash, which would split the value
        /// (PS3.5 6.2). Other characters become "?"; an empty comment is left out.
        mutating func lo(_ tag: Tag, _ text: String?) {
            guard let text else { return }
            let bytes = text.unicodeScalars.prefix(64).map { scalar -> UInt8 in
                (0x20...0x7E).contains(scalar.value) && scalar != "\\" ? UInt8(scalar.value) : UInt8(ascii: "?")
            }
            guard !bytes.isEmpty else { return }
            put(tag, .LO, Self.padded(bytes, with: 0x20))
        }

        mutating func at(_ tag: Tag, _ tags: [Tag]) {
            guard !tags.isEmpty else { return }
            var bytes: [UInt8] = []
            for tag in tags {
                for word in [tag.group, tag.element] {
                    bytes.append(UInt8(truncatingIfNeeded: word))
                    bytes.append(UInt8(truncatingIfNeeded: word >> 8))
                }
            }
            put(tag, .AT, bytes)
        }

        private mutating func put(_ tag: Tag, _ vr: VR, _ bytes: [UInt8]) {
            command.dataSet.insert(DataElement(tag: tag, vr: vr, bytes: bytes))
        }

        private static func padded(_ bytes: [UInt8], with pad: UInt8) -> [UInt8] {
            bytes.count % 2 == 0 ? bytes : bytes + [pad]
        }
    }
}
