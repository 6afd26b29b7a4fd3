/// The item-type byte of the items and sub-items inside A-ASSOCIATE PDUs
/// (PS3.8 9.3.2–9.3.3, PS3.7 Annex D.3.3) and of presentation data value items (PS3.8 9.3.5.1).
public enum ItemType: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case applicationContext = 0x10
    case presentationContextRQ = 0x20
    case presentationContextAC = 0x21
    case abstractSyntax = 0x30
    case transferSyntax = 0x40
    case userInformation = 0x50
    case maximumLength = 0x51
    case implementationClassUID = 0x52
    case asynchronousOperationsWindow = 0x53
    case roleSelection = 0x54
    case implementationVersionName = 0x55
    case sopClassExtendedNegotiation = 0x56
    case sopClassCommonExtendedNegotiation = 0x57
    case userIdentityRQ = 0x58
    case userIdentityAC = 0x59

    public var description: String {
        switch self {
        case .applicationContext: "application context item (10H)"
        case .presentationContextRQ: "presentation context item (20H)"
        case .presentationContextAC: "presentation context item (21H)"
        case .abstractSyntax: "abstract syntax sub-item (30H)"
        case .transferSyntax: "transfer syntax sub-item (40H)"
        case .userInformation: "user information item (50H)"
        case .maximumLength: "maximum length sub-item (51H)"
        case .implementationClassUID: "implementation class UID sub-item (52H)"
        case .asynchronousOperationsWindow: "asynchronous operations window sub-item (53H)"
        case .roleSelection: "SCP/SCU role selection sub-item (54H)"
        case .implementationVersionName: "implementation version name sub-item (55H)"
        case .sopClassExtendedNegotiation: "SOP class extended negotiation sub-item (56H)"
        case .sopClassCommonExtendedNegotiation: "SOP class common extended negotiation sub-item (57H)"
        case .userIdentityRQ: "user identity sub-item (58H)"
        case .userIdentityAC: "user identity server response sub-item (59H)"
        }
    }

    /// A readable name for any item-type byte, known or not.
    static func describe(_ byte: UInt8) -> String {
        ItemType(rawValue: byte)?.description ?? "item of unknown type \(twoHexDigits(byte))H"
    }
}

/// Two upper-case hexadecimal digits, as the standard writes item types ("10H").
func twoHexDigits(_ byte: UInt8) -> String {
    let digits = String(byte, radix: 16, uppercase: true)
    return digits.count == 1 ? "0" + digits : digits
}
