/// Why a PDU value cannot be put on the wire: a field too long for its length field.
public enum PDUEncodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An item's value exceeds the 65,535 bytes its 2-byte length field can announce.
    case itemTooLong(PDUType, item: UInt8, length: Int)
    /// A variable field inside a sub-item (a UID, a user identity field) exceeds 65,535 bytes.
    case fieldTooLong(PDUType, field: String, length: Int)
    /// The PDU exceeds the 4,294,967,295 bytes its length field can announce.
    case pduTooLong(PDUType, length: Int)

    public var description: String {
        switch self {
        case let .itemTooLong(type, item, length):
            "\(type): \(ItemType.describe(item)) would hold \(length) bytes; an item holds at most 65535"
        case let .fieldTooLong(type, field, length):
            "\(type): \(field) is \(length) bytes; its 2-byte length field allows at most 65535"
        case let .pduTooLong(type, length):
            "\(type) would be \(length) bytes; a PDU holds at most 4294967295"
        }
    }
}
