/// The Status (0000,0900) of a DIMSE response (PS3.7 Annex C), with the standard's named values
/// and the status class each value belongs to.
///
/// The same value can carry different meanings in different services (B000H is "coercion of
/// data elements" for C-STORE and "sub-operations complete, one or more failures" for C-MOVE and
/// C-GET), so several names below share a value. A value is just a value: any UInt16 can be
/// received and represented.
public struct DIMSEStatus: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt16

    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    public init(_ rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// The status classes of PS3.7 Annex C.
    public enum Category: Sendable, Hashable, CustomStringConvertible {
        case success, warning, failure, cancel, pending

        public var description: String {
            switch self {
            case .success: "success"
            case .warning: "warning"
            case .failure: "failure"
            case .cancel: "cancel"
            case .pending: "pending"
            }
        }
    }

    /// The status class, by the convention of PS3.7 Annex C: 0000 success; 0001, Bxxx, 0107 and
    /// 0116 warning; FE00 cancel; FF00 and FF01 pending; Axxx, Cxxx, the rest of 01xx and 02xx
    /// failure.
    ///
    /// Annex C forbids any other value. One received anyway (0003H, D000H, FE01H) is counted as a
    /// failure: a peer that did not say success, warning or pending has not reported that the
    /// operation was done. `isInStandardRange` tells such values apart for logging.
    public var category: Category {
        switch rawValue {
        case 0x0000: .success
        case 0xFF00, 0xFF01: .pending
        case 0xFE00: .cancel
        case 0x0001, 0x0107, 0x0116, 0xB000...0xBFFF: .warning
        default: .failure
        }
    }

    /// False for values outside every range of PS3.7 Annex C ("Implementations shall not use
    /// Status Codes with values not listed").
    public var isInStandardRange: Bool {
        switch rawValue {
        case 0x0000, 0x0001, 0xFE00, 0xFF00, 0xFF01: true
        case 0x0100...0x02FF, 0xA000...0xCFFF: true
        default: false
        }
    }

    /// True unless the status is pending: the response ends its operation (PS3.7 9.1.2 to 9.1.4).
    public var isFinal: Bool { category != .pending }

    // MARK: Success, pending and cancel (PS3.7 C.1 to C.3)

    public static let success = DIMSEStatus(0x0000)
    /// C-FIND, C-GET, C-MOVE: matches or sub-operations are continuing.
    public static let pending = DIMSEStatus(0xFF00)
    /// C-FIND: matches are continuing, but one or more optional keys were not supported
    /// (PS3.4 C.4.1.1.4).
    public static let pendingWithWarnings = DIMSEStatus(0xFF01)
    /// The operation was cancelled by a C-CANCEL-RQ (PS3.7 C.3).
    public static let cancel = DIMSEStatus(0xFE00)

    // MARK: Service-class specific (PS3.4 B.2.3, C.4.1.1.4, C.4.2.1.5, C.4.3.1.4)

    /// Refused: out of resources (A7xx; C-STORE, C-FIND).
    public static let refusedOutOfResources = DIMSEStatus(0xA700)
    /// C-MOVE, C-GET: refused, out of resources, unable to calculate the number of matches.
    public static let refusedOutOfResourcesMatches = DIMSEStatus(0xA701)
    /// C-MOVE, C-GET: refused, out of resources, unable to perform sub-operations.
    public static let refusedOutOfResourcesSubOperations = DIMSEStatus(0xA702)
    /// C-MOVE: refused, the move destination is unknown.
    public static let refusedMoveDestinationUnknown = DIMSEStatus(0xA801)
    /// C-STORE: error, the data set does not match the SOP class (A9xx).
    public static let errorDataSetDoesNotMatchSOPClass = DIMSEStatus(0xA900)
    /// C-FIND, C-MOVE, C-GET: the identifier does not match the SOP class. Same value as
    /// `errorDataSetDoesNotMatchSOPClass`.
    public static let identifierDoesNotMatchSOPClass = DIMSEStatus(0xA900)
    /// C-STORE: error, cannot understand (Cxxx).
    public static let errorCannotUnderstand = DIMSEStatus(0xC000)
    /// C-FIND, C-MOVE, C-GET: unable to process. Any Cxxx value has this meaning for them; this
    /// is the one Rampart sends.
    public static let unableToProcess = DIMSEStatus(0xC001)
    /// C-STORE: warning, data elements were coerced.
    public static let warningCoercionOfDataElements = DIMSEStatus(0xB000)
    /// C-STORE: warning, the data set does not match the SOP class.
    public static let warningDataSetDoesNotMatchSOPClass = DIMSEStatus(0xB007)
    /// C-STORE: warning, elements were discarded.
    public static let warningElementsDiscarded = DIMSEStatus(0xB006)
    /// C-MOVE, C-GET: sub-operations complete, one or more failures or warnings. Same value as
    /// `warningCoercionOfDataElements`.
    public static let warningSubOperationsCompleteOneOrMoreFailures = DIMSEStatus(0xB000)

    // MARK: General statuses (PS3.7 C.4, C.5)

    /// Requested optional attributes are not supported (N-GET, N-SET, N-CREATE).
    public static let warningOptionalAttributesNotSupported = DIMSEStatus(0x0001)
    public static let noSuchAttribute = DIMSEStatus(0x0105)
    public static let invalidAttributeValue = DIMSEStatus(0x0106)
    /// Warning (PS3.7 C.4.2).
    public static let attributeListError = DIMSEStatus(0x0107)
    public static let processingFailure = DIMSEStatus(0x0110)
    public static let duplicateSOPInstance = DIMSEStatus(0x0111)
    /// No such SOP instance.
    public static let noSuchObjectInstance = DIMSEStatus(0x0112)
    public static let noSuchEventType = DIMSEStatus(0x0113)
    public static let noSuchArgument = DIMSEStatus(0x0114)
    public static let invalidArgumentValue = DIMSEStatus(0x0115)
    /// Warning (PS3.7 C.4.3).
    public static let attributeValueOutOfRange = DIMSEStatus(0x0116)
    public static let invalidObjectInstance = DIMSEStatus(0x0117)
    public static let noSuchSOPClass = DIMSEStatus(0x0118)
    public static let classInstanceConflict = DIMSEStatus(0x0119)
    public static let missingAttribute = DIMSEStatus(0x0120)
    public static let missingAttributeValue = DIMSEStatus(0x0121)
    /// Refused: SOP class not supported.
    public static let sopClassNotSupported = DIMSEStatus(0x0122)
    public static let noSuchActionType = DIMSEStatus(0x0123)
    public static let refusedNotAuthorized = DIMSEStatus(0x0124)
    public static let duplicateInvocation = DIMSEStatus(0x0210)
    public static let unrecognizedOperation = DIMSEStatus(0x0211)
    public static let mistypedArgument = DIMSEStatus(0x0212)
    public static let resourceLimitation = DIMSEStatus(0x0213)

    /// What the standard says the value means, where it says so; service-specific ranges name
    /// the services they belong to.
    public var meaning: String? {
        switch rawValue {
        case 0x0000: "success"
        case 0xFF00: "pending"
        case 0xFF01: "pending, one or more optional keys not supported"
        case 0xFE00: "cancelled"
        case 0x0001: "requested optional attributes are not supported"
        case 0x0105: "no such attribute"
        case 0x0106: "invalid attribute value"
        case 0x0107: "attribute list error"
        case 0x0110: "processing failure"
        case 0x0111: "duplicate SOP instance"
        case 0x0112: "no such SOP instance"
        case 0x0113: "no such event type"
        case 0x0114: "no such argument"
        case 0x0115: "invalid argument value"
        case 0x0116: "attribute value out of range"
        case 0x0117: "invalid object instance"
        case 0x0118: "no such SOP class"
        case 0x0119: "class-instance conflict"
        case 0x0120: "missing attribute"
        case 0x0121: "missing attribute value"
        case 0x0122: "refused: SOP class not supported"
        case 0x0123: "no such action type"
        case 0x0124: "refused: not authorized"
        case 0x0210: "duplicate invocation"
        case 0x0211: "unrecognized operation"
        case 0x0212: "mistyped argument"
        case 0x0213: "resource limitation"
        case 0xA701: "refused: out of resources, unable to calculate number of matches (C-MOVE, C-GET)"
        case 0xA702: "refused: out of resources, unable to perform sub-operations (C-MOVE, C-GET)"
        case 0xA700...0xA7FF: "refused: out of resources (C-STORE, C-FIND)"
        case 0xA801: "refused: move destination unknown (C-MOVE)"
        case 0xA900...0xA9FF: "data set or identifier does not match SOP class"
        case 0xB000: "coercion of data elements (C-STORE) or sub-operations complete with failures (C-MOVE, C-GET)"
        case 0xB006: "elements discarded (C-STORE)"
        case 0xB007: "data set does not match SOP class (C-STORE)"
        case 0xC000...0xCFFF: "cannot understand (C-STORE) or unable to process (C-FIND, C-MOVE, C-GET)"
        default: nil
        }
    }

    /// "A700H failure: refused: out of resources (C-STORE, C-FIND)".
    public var description: String {
        let head = "\(fourHexDigits(rawValue))H \(category)"
        guard let meaning else {
            return isInStandardRange ? head : head + " (a value PS3.7 Annex C does not allow)"
        }
        return head + ": " + meaning
    }
}
