/// A data element tag: (group, element), PS3.5 7.1.
public struct Tag: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let group: UInt16
    public let element: UInt16

    public init(_ group: UInt16, _ element: UInt16) {
        self.group = group
        self.element = element
    }

    public init(_ value: UInt32) {
        self.group = UInt16(truncatingIfNeeded: value >> 16)
        self.element = UInt16(truncatingIfNeeded: value)
    }

    /// Parses "ggggeeee", "(gggg,eeee)" or "gggg,eeee" (hexadecimal).
    public init?(_ text: some StringProtocol) {
        let stripped = String(text.filter { !"(), ".contains($0) })
        guard stripped.count == 8, stripped.allSatisfy(\.isHexDigit), let value = UInt32(stripped, radix: 16) else { return nil }
        self.init(value)
    }

    public var value: UInt32 { UInt32(group) << 16 | UInt32(element) }

    public static func < (lhs: Tag, rhs: Tag) -> Bool { lhs.value < rhs.value }

    /// Odd groups other than 0001, 0003, 0005, 0007 and FFFF hold private data elements (PS3.5 7.8).
    public var isPrivate: Bool { group & 1 == 1 && group > 0x0007 && group != 0xFFFF }

    /// (gggg,0010-00FF) in a private group reserves a block for a private creator (PS3.5 7.8.1).
    public var isPrivateCreator: Bool { isPrivate && element >= 0x0010 && element <= 0x00FF }

    /// For a private data element (gggg,xxee) with xx ≥ 0x10, the creator element that reserves its block.
    public var privateCreatorTag: Tag? {
        guard isPrivate, element >= 0x1000 else { return nil }
        return Tag(group, element >> 8)
    }

    /// Group length elements (gggg,0000), retired outside group 0002 (PS3.5 7.2).
    public var isGroupLength: Bool { element == 0x0000 }

    /// Item, item delimitation and sequence delimitation tags live in group FFFE.
    public var isDelimiter: Bool { group == 0xFFFE }

    /// "ggggeeee", the form DICOM JSON uses for object keys (PS3.18 F.2.1.1).
    public var hex: String { Self.hex4(group) + Self.hex4(element) }

    public var description: String { "(\(Self.hex4(group)),\(Self.hex4(element)))" }

    static func hex4(_ value: UInt16) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}

extension Tag {
    public static let item = Tag(0xFFFE, 0xE000)
    public static let itemDelimitation = Tag(0xFFFE, 0xE00D)
    public static let sequenceDelimitation = Tag(0xFFFE, 0xE0DD)

    public static let fileMetaInformationGroupLength = Tag(0x0002, 0x0000)
    public static let fileMetaInformationVersion = Tag(0x0002, 0x0001)
    public static let mediaStorageSOPClassUID = Tag(0x0002, 0x0002)
    public static let mediaStorageSOPInstanceUID = Tag(0x0002, 0x0003)
    public static let transferSyntaxUID = Tag(0x0002, 0x0010)
    public static let implementationClassUID = Tag(0x0002, 0x0012)
    public static let implementationVersionName = Tag(0x0002, 0x0013)
    public static let sourceApplicationEntityTitle = Tag(0x0002, 0x0016)

    public static let specificCharacterSet = Tag(0x0008, 0x0005)
    public static let sopClassUID = Tag(0x0008, 0x0016)
    public static let sopInstanceUID = Tag(0x0008, 0x0018)
    public static let pixelRepresentation = Tag(0x0028, 0x0103)
    public static let bitsAllocated = Tag(0x0028, 0x0100)
    public static let numberOfFrames = Tag(0x0028, 0x0008)
    public static let extendedOffsetTable = Tag(0x7FE0, 0x0001)
    public static let extendedOffsetTableLengths = Tag(0x7FE0, 0x0002)
    public static let floatPixelData = Tag(0x7FE0, 0x0008)
    public static let doubleFloatPixelData = Tag(0x7FE0, 0x0009)
    public static let pixelData = Tag(0x7FE0, 0x0010)
}
