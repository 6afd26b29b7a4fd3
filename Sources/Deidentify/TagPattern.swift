import DICOM

/// A tag or a family of tags in PS3.15 Table E.1-1: the bits of `mask` must equal `value`.
/// "(50XX,XXXX)" is value 0x50000000, mask 0xFF000000; private attributes (odd groups) are
/// value 0x00010000, mask 0x00010000.
struct TagPattern: Sendable, Hashable {
    let value: UInt32
    let mask: UInt32

    var isSingleTag: Bool { mask == 0xFFFF_FFFF }

    func matches(_ tag: Tag) -> Bool { tag.value & mask == value }
}
