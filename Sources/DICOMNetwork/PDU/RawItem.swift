/// A sub-item this codec does not interpret, kept as received so it can be sent on unchanged.
public struct RawItem: Sendable, Hashable {
    /// The item-type byte.
    public var type: UInt8
    /// The byte after the item type, reserved in most items.
    public var reserved: UInt8
    /// The item's value, without its 4-byte header.
    public var data: [UInt8]

    public init(type: UInt8, reserved: UInt8 = 0, data: [UInt8]) {
        self.type = type
        self.reserved = reserved
        self.data = data
    }
}
