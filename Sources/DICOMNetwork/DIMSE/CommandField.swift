/// The DIMSE operation a command set conveys: the value of Command Field (0000,0100)
/// (PS3.7 Annex E, Table E.1-1). Requests have bit 15 clear, responses have it set.
public enum CommandField: UInt16, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case cStoreRQ = 0x0001, cStoreRSP = 0x8001
    case cGetRQ = 0x0010, cGetRSP = 0x8010
    case cFindRQ = 0x0020, cFindRSP = 0x8020
    case cMoveRQ = 0x0021, cMoveRSP = 0x8021
    case cEchoRQ = 0x0030, cEchoRSP = 0x8030
    case nEventReportRQ = 0x0100, nEventReportRSP = 0x8100
    case nGetRQ = 0x0110, nGetRSP = 0x8110
    case nSetRQ = 0x0120, nSetRSP = 0x8120
    case nActionRQ = 0x0130, nActionRSP = 0x8130
    case nCreateRQ = 0x0140, nCreateRSP = 0x8140
    case nDeleteRQ = 0x0150, nDeleteRSP = 0x8150
    /// C-CANCEL-RQ (PS3.7 9.3.2.3, 9.3.3.3, 9.3.4.3): cancels a C-FIND, C-GET or C-MOVE. It has no response.
    case cCancelRQ = 0x0FFF

    /// Responses set bit 15 (8000H); every request, C-CANCEL-RQ included, has it clear.
    public var isResponse: Bool { rawValue & 0x8000 != 0 }

    /// The response that answers this request; nil for responses and for C-CANCEL-RQ, which is
    /// never answered on its own (the cancelled operation's final response answers it).
    public var response: CommandField? {
        guard !isResponse, self != .cCancelRQ else { return nil }
        return CommandField(rawValue: rawValue | 0x8000)
    }

    /// The standard's name, "C-STORE-RQ".
    public var description: String {
        switch self {
        case .cStoreRQ: "C-STORE-RQ"
        case .cStoreRSP: "C-STORE-RSP"
        case .cGetRQ: "C-GET-RQ"
        case .cGetRSP: "C-GET-RSP"
        case .cFindRQ: "C-FIND-RQ"
        case .cFindRSP: "C-FIND-RSP"
        case .cMoveRQ: "C-MOVE-RQ"
        case .cMoveRSP: "C-MOVE-RSP"
        case .cEchoRQ: "C-ECHO-RQ"
        case .cEchoRSP: "C-ECHO-RSP"
        case .nEventReportRQ: "N-EVENT-REPORT-RQ"
        case .nEventReportRSP: "N-EVENT-REPORT-RSP"
        case .nGetRQ: "N-GET-RQ"
        case .nGetRSP: "N-GET-RSP"
        case .nSetRQ: "N-SET-RQ"
        case .nSetRSP: "N-SET-RSP"
        case .nActionRQ: "N-ACTION-RQ"
        case .nActionRSP: "N-ACTION-RSP"
        case .nCreateRQ: "N-CREATE-RQ"
        case .nCreateRSP: "N-CREATE-RSP"
        case .nDeleteRQ: "N-DELETE-RQ"
        case .nDeleteRSP: "N-DELETE-RSP"
        case .cCancelRQ: "C-CANCEL-RQ"
        }
    }

    /// "C-STORE-RQ" for a known value, "command 1234H" otherwise, for messages about raw values.
    static func describe(_ rawValue: UInt16) -> String {
        CommandField(rawValue: rawValue)?.description ?? "command \(fourHexDigits(rawValue))H"
    }
}

/// Four upper-case hexadecimal digits, as the standard writes command fields and statuses ("A700").
func fourHexDigits(_ value: UInt16) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: 4 - digits.count) + digits
}
