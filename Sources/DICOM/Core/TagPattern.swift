/// A tag or a family of tags, as PS3.15 Table E.1-1 and PS3.6 write them: the bits of `mask`
/// must equal `value`. "(50XX,XXXX)" is value 0x50000000, mask 0xFF000000; "(60XX,3000)" is
/// value 0x60003000, mask 0xFF00FFFF; private attributes (odd groups) are value 0x00010000,
/// mask 0x00010000.
public struct TagPattern: Sendable, Hashable {
    public let value: UInt32
    public let mask: UInt32

    public init(value: UInt32, mask: UInt32) {
        self.value = value & mask
        self.mask = mask
    }

    /// Every attribute with an odd group.
    public static let privateAttributes = TagPattern(value: 0x0001_0000, mask: 0x0001_0000)

    public var isSingleTag: Bool { mask == 0xFFFF_FFFF }

    public func matches(_ tag: Tag) -> Bool { tag.value & mask == value }

    /// The tags both patterns match, or nil when no tag matches both: the bits both fix must agree.
    public func intersection(_ other: TagPattern) -> TagPattern? {
        let common = mask & other.mask
        guard value & common == other.value & common else { return nil }
        return TagPattern(value: value | other.value, mask: mask | other.mask)
    }
}
