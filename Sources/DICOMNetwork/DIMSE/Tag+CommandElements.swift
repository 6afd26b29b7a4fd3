import DICOM

/// The command elements of PS3.7 Annex E, Table E.1-1, that Rampart reads or writes.
extension Tag {
    public static let commandGroupLength = Tag(0x0000, 0x0000)
    public static let affectedSOPClassUID = Tag(0x0000, 0x0002)
    public static let requestedSOPClassUID = Tag(0x0000, 0x0003)
    public static let commandField = Tag(0x0000, 0x0100)
    public static let messageID = Tag(0x0000, 0x0110)
    public static let messageIDBeingRespondedTo = Tag(0x0000, 0x0120)
    public static let moveDestination = Tag(0x0000, 0x0600)
    public static let priority = Tag(0x0000, 0x0700)
    public static let commandDataSetType = Tag(0x0000, 0x0800)
    public static let status = Tag(0x0000, 0x0900)
    public static let offendingElement = Tag(0x0000, 0x0901)
    public static let errorComment = Tag(0x0000, 0x0902)
    public static let errorID = Tag(0x0000, 0x0903)
    public static let affectedSOPInstanceUID = Tag(0x0000, 0x1000)
    public static let requestedSOPInstanceUID = Tag(0x0000, 0x1001)
    public static let eventTypeID = Tag(0x0000, 0x1002)
    public static let attributeIdentifierList = Tag(0x0000, 0x1005)
    public static let actionTypeID = Tag(0x0000, 0x1008)
    public static let numberOfRemainingSuboperations = Tag(0x0000, 0x1020)
    public static let numberOfCompletedSuboperations = Tag(0x0000, 0x1021)
    public static let numberOfFailedSuboperations = Tag(0x0000, 0x1022)
    public static let numberOfWarningSuboperations = Tag(0x0000, 0x1023)
    public static let moveOriginatorApplicationEntityTitle = Tag(0x0000, 0x1030)
    public static let moveOriginatorMessageID = Tag(0x0000, 0x1031)

    /// The VR of a command element. A command set is implicit VR (PS3.7 6.3.1), so a received
    /// element's VR comes from Table E.1-1; retired elements (E.2) come from the data dictionary
    /// and anything else is UN.
    static func commandElementVR(_ tag: Tag) -> VR {
        switch tag {
        case .commandGroupLength: .UL
        case .affectedSOPClassUID, .requestedSOPClassUID, .affectedSOPInstanceUID, .requestedSOPInstanceUID: .UI
        case .moveDestination, .moveOriginatorApplicationEntityTitle: .AE
        case .offendingElement, .attributeIdentifierList: .AT
        case .errorComment: .LO
        case .commandField, .messageID, .messageIDBeingRespondedTo, .priority, .commandDataSetType, .status,
             .errorID, .eventTypeID, .actionTypeID, .numberOfRemainingSuboperations, .numberOfCompletedSuboperations,
             .numberOfFailedSuboperations, .numberOfWarningSuboperations, .moveOriginatorMessageID:
            .US
        default: DataDictionary.entry(for: tag)?.vr ?? .UN
        }
    }
}
