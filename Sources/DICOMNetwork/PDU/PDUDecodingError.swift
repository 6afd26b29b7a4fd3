/// Why received bytes are not a valid PDU. Offsets count from the PDU's first byte (its type).
///
/// The association layer answers most of these with an A-ABORT from the service-provider
/// (PS3.8 9.2, AA-8): `unrecognizedPDUType` maps to reason 1, the others to reason 4–6.
public enum PDUDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The first byte is not one of the seven PDU types (PS3.8 9.3.1).
    case unrecognizedPDUType(UInt8)
    /// The PDU-length field exceeds the decoder's configured maximum.
    case pduTooLong(PDUType, length: UInt32, maximum: Int)
    /// The PDU-length field is impossible for this PDU type.
    case invalidPDULength(PDUType, length: UInt32, expected: String)
    /// A fixed field runs past the end of its PDU or item.
    case truncated(PDUType, at: Int, reading: String, expected: Int, available: Int)
    /// An item's length field runs past the end of the PDU or item that contains it.
    case itemOverrun(PDUType, item: UInt8, at: Int, length: Int, available: Int)
    /// An item's length disagrees with what its type requires.
    case invalidItemLength(PDUType, item: UInt8, at: Int, length: Int, expected: String)
    /// An item of a type that may not appear where it was found.
    case unexpectedItem(PDUType, item: UInt8, at: Int, inside: String)
    /// A required item is absent.
    case missingItem(PDUType, item: ItemType, inside: String)
    /// An item that may appear once appears again.
    case duplicateItem(PDUType, item: ItemType, at: Int)
    /// A presentation data value item whose length is below 2, too short for its context ID
    /// and message control header (PS3.8 9.3.5.1).
    case invalidPDVLength(at: Int, length: UInt32)
    /// A presentation data value item longer than what remains of the P-DATA-TF PDU.
    case pdvOverrun(at: Int, length: UInt32, available: Int)
    /// A P-DATA-TF PDU with no presentation data value (PS3.8 9.3.5 requires one or more).
    case emptyPDataTF
    /// A field holds a value the standard does not define.
    case invalidFieldValue(PDUType, at: Int, field: String, value: UInt8)
    /// An AE title field that is not a valid AE title.
    case invalidAETitle(PDUType, at: Int, field: String, AETitleError)

    public var description: String {
        switch self {
        case let .unrecognizedPDUType(byte):
            "byte 0: PDU type 0x\(twoHexDigits(byte)) is not a DICOM upper layer PDU (PS3.8 9.3.1); the peer is not speaking DICOM or the stream is out of step"
        case let .pduTooLong(type, length, maximum):
            "\(type) announces \(length) bytes, more than the \(maximum) this decoder accepts; raise the maximum PDU length if the peer is legitimate"
        case let .invalidPDULength(type, length, expected):
            "\(type) has PDU length \(length); \(expected)"
        case let .truncated(type, offset, field, expected, available):
            "byte \(offset) of \(type): \(field) needs \(expected) bytes but only \(available) remain in its PDU or item"
        case let .itemOverrun(type, item, offset, length, available):
            "byte \(offset) of \(type): \(ItemType.describe(item)) announces \(length) bytes but only \(available) remain in the PDU or item that contains it"
        case let .invalidItemLength(type, item, offset, length, expected):
            "byte \(offset) of \(type): \(ItemType.describe(item)) has length \(length); \(expected)"
        case let .unexpectedItem(type, item, offset, inside):
            "byte \(offset) of \(type): \(ItemType.describe(item)) may not appear in \(inside)"
        case let .missingItem(type, item, inside):
            "\(type) has no \(item) in \(inside); PS3.8 9.3 requires one"
        case let .duplicateItem(type, item, offset):
            "byte \(offset) of \(type): a second \(item); PS3.8 9.3 allows only one"
        case let .invalidPDVLength(offset, length):
            "byte \(offset) of P-DATA-TF: presentation data value item length \(length) is less than 2, too short for its context ID and message control header (PS3.8 9.3.5.1)"
        case let .pdvOverrun(offset, length, available):
            "byte \(offset) of P-DATA-TF: presentation data value item announces \(length) bytes but only \(available) remain in the PDU"
        case .emptyPDataTF:
            "P-DATA-TF carries no presentation data value; PS3.8 9.3.5 requires at least one"
        case let .invalidFieldValue(type, offset, field, value):
            "byte \(offset) of \(type): \(field) is \(value), a value the standard does not define"
        case let .invalidAETitle(type, offset, field, error):
            "byte \(offset) of \(type): \(field): \(error)"
        }
    }
}
