/// One entry of the data dictionary (PS3.6 section 6, PS3.7 E.1, or a private dictionary).
public struct DictionaryEntry: Sendable, Hashable {
    /// For repeating groups such as (60xx,3000) the lowest tag of the range.
    public let tag: Tag
    /// One VR, or the candidates of an ambiguous one ("US or SS"), the usual choice first.
    public let vrs: [VR]
    public let vm: ValueMultiplicity
    public let keyword: String
    public let isRetired: Bool
    /// The private creator that owns a private dictionary entry; nil for standard entries. Its
    /// `tag` holds the element as the private dictionary gives it: (gggg,00ee) for an element
    /// that may sit in any block the creator reserves, (gggg,xxee) for a fixed one.
    public let privateCreator: String?

    public init(tag: Tag, vrs: [VR], vm: ValueMultiplicity, keyword: String, isRetired: Bool, privateCreator: String? = nil) {
        self.tag = tag
        self.vrs = vrs
        self.vm = vm
        self.keyword = keyword
        self.isRetired = isRetired
        self.privateCreator = privateCreator
    }

    public var vr: VR { vrs.first ?? .UN }

    /// More than one VR is possible: the choice depends on other attributes (PS3.5 A.1, PS3.6 6).
    public var isAmbiguous: Bool { vrs.count > 1 }
}

/// The DICOM data dictionary, generated from DCMTK's `dicom.dic` and `private.dic` by
/// `Scripts/generate-dictionary.py` into `DataDictionary+Generated.swift`.
///
/// The generated tables are text; each is parsed once, on first use (a `static let` is
/// initialised lazily and thread-safely), into arrays sorted for binary search.
public enum DataDictionary {
    /// The entry for a standard tag: an exact entry first, then a repeating group or element such
    /// as (60xx,3000) or (0020,31xx), then DCMTK's catch-alls: (gggg,0000) group lengths (UL,
    /// "GenericGroupLength", or "PrivateGroupLength" in a private group) and private creator
    /// elements (gggg,0010-00FF) of private groups (LO, "PrivateCreator").
    ///
    /// Private data elements need their creator: see `privateEntry(creator:tag:)`.
    public static func entry(for tag: Tag) -> DictionaryEntry? {
        standard.entry(for: tag)
    }

    /// The tag of a standard keyword, as PS3.6 spells it ("PatientName"). Retired attributes
    /// answer to their PS3.6 keyword and to DCMTK's "RETIRED_" spelling. A repeating group
    /// answers with its lowest tag ("OverlayData" is (6000,3000)).
    public static func tag(forKeyword keyword: String) -> Tag? {
        if let tag = keywords[keyword] { return tag }
        let retiredPrefix = "RETIRED_"
        guard keyword.hasPrefix(retiredPrefix) else { return nil }
        let bare = String(keyword.dropFirst(retiredPrefix.count))
        guard let tag = keywords[bare], entry(for: tag)?.isRetired == true else { return nil }
        return tag
    }

    /// The private dictionary entry for element `tag`, whose block is reserved by `creator` (the
    /// value of its private creator element, PS3.5 7.8.1). Trailing spaces and NULs of the
    /// creator are padding and are ignored. An entry for this exact element wins over one that
    /// matches the element's low byte in any block, as in DCMTK.
    public static func privateEntry(creator: String, tag: Tag) -> DictionaryEntry? {
        privates.entry(creator: trimmingPadding(creator), tag: tag)
    }

    static func trimmingPadding(_ creator: String) -> String {
        var trimmed = Substring(creator)
        while let last = trimmed.last, last == " " || last == "\0" { trimmed = trimmed.dropLast() }
        return String(trimmed)
    }

    static let standard = StandardIndex(exact: standardTable, repeating: repeatingTable)
    static let privates = PrivateIndex(table: privateTable)

    /// Built apart from `standard` so that decoding, which never needs it, never pays for it.
    private static let keywords: [String: Tag] = {
        var index: [String: Tag] = [:]
        index.reserveCapacity(standard.exact.count + standard.repeating.count)
        for entry in standard.exact where !entry.keyword.isEmpty {
            index[entry.keyword] = index[entry.keyword] ?? entry.tag
        }
        for repeating in standard.repeating where !repeating.isPseudo {
            index[repeating.entry.keyword] = index[repeating.entry.keyword] ?? repeating.entry.tag
        }
        return index
    }()
}

// MARK: - Parsed tables

extension DataDictionary {
    /// A group or element number, or a range of them stepping over odd, even, or all numbers
    /// (DCMTK's "6000-60FF", "0009-o-FFFF", "0010-u-00FF"; the generator writes the parity out).
    struct NumberRange: Sendable {
        enum Parity: Sendable { case even, odd, all }

        let low: UInt16
        let high: UInt16
        let parity: Parity

        /// "gggg" or "low-p-high", p one of e, o, u, as UTF-8. Read as bytes: this runs ten
        /// thousand times on first use, and splitting by characters was most of that cost.
        init?(_ utf8: some Collection<UInt8>) {
            let bytes = Array(utf8)
            switch bytes.count {
            case 4:
                guard let value = Self.hex(bytes[0..<4]) else { return nil }
                (low, high, parity) = (value, value, .all)
            case 11:
                guard bytes[4] == UInt8(ascii: "-"), bytes[6] == UInt8(ascii: "-"),
                      let low = Self.hex(bytes[0..<4]), let high = Self.hex(bytes[7..<11]), low <= high
                else { return nil }
                switch bytes[5] {
                case UInt8(ascii: "e"): parity = .even
                case UInt8(ascii: "o"): parity = .odd
                case UInt8(ascii: "u"): parity = .all
                default: return nil
                }
                (self.low, self.high) = (low, high)
            default:
                return nil
            }
        }

        /// "gggg,eeee" with either half a range.
        static func tag(_ text: String) -> (groups: NumberRange, elements: NumberRange)? {
            guard let comma = text.utf8.firstIndex(of: UInt8(ascii: ",")),
                  let groups = NumberRange(text.utf8[..<comma]),
                  let elements = NumberRange(text.utf8[text.utf8.index(after: comma)...])
            else { return nil }
            return (groups, elements)
        }

        private static func hex(_ digits: ArraySlice<UInt8>) -> UInt16? {
            var value: UInt16 = 0
            for digit in digits {
                let nibble: UInt8
                switch digit {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = digit - UInt8(ascii: "0")
                case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = digit - UInt8(ascii: "A") + 10
                case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = digit - UInt8(ascii: "a") + 10
                default: return nil
                }
                value = value << 4 | UInt16(nibble)
            }
            return value
        }

        var isSingle: Bool { low == high }

        func contains(_ value: UInt16) -> Bool {
            guard value >= low, value <= high else { return false }
            switch parity {
            case .even: return value & 1 == 0
            case .odd: return value & 1 == 1
            case .all: return true
            }
        }
    }

    struct RepeatingEntry: Sendable {
        let groups: NumberRange
        let elements: NumberRange
        let entry: DictionaryEntry
        /// DCMTK's group length and private creator catch-alls: no attribute keyword of PS3.6.
        let isPseudo: Bool
    }

    struct StandardIndex: Sendable {
        /// Sorted by tag.
        let exact: [DictionaryEntry]
        /// The tags of `exact`, apart: a binary search over plain integers copies no entries.
        private let exactTags: [UInt32]
        /// Narrowest range first, so (0009,0000) is a private group length before a generic one.
        let repeating: [RepeatingEntry]
        /// `repeating` split by the high byte of the group, order kept: a miss, the common case
        /// for private and unknown tags, tries a handful of ranges instead of all of them.
        private let repeatingByGroupHighByte: [[RepeatingEntry]]

        init(exact exactTable: StaticString, repeating repeatingTable: StaticString) {
            var exact: [DictionaryEntry] = []
            var repeating: [RepeatingEntry] = []
            for row in DataDictionary.rows(of: exactTable) + DataDictionary.rows(of: repeatingTable) {
                // tag, VRs, VM, keyword, flags
                guard row.count == 5, let (groups, elements) = NumberRange.tag(row[0]),
                      let vrs = DataDictionary.vrs(row[1]), let vm = ValueMultiplicity(row[2])
                else {
                    assertionFailure("unreadable generated dictionary row: \(row)")
                    continue
                }
                let entry = DictionaryEntry(tag: Tag(groups.low, elements.low), vrs: vrs, vm: vm,
                                            keyword: row[3], isRetired: row[4].contains("R"))
                if groups.isSingle && elements.isSingle {
                    exact.append(entry)
                } else {
                    repeating.append(RepeatingEntry(groups: groups, elements: elements, entry: entry, isPseudo: row[4].contains("G")))
                }
            }
            // The generator sorts; sorting again costs little and keeps the search correct
            // should someone edit the table.
            exact.sort { $0.tag < $1.tag }
            self.exact = exact
            exactTags = exact.map(\.tag.value)
            self.repeating = repeating
            repeatingByGroupHighByte = (0...0xFF).map { (high: UInt16) in
                repeating.filter { $0.groups.low >> 8 <= high && high <= $0.groups.high >> 8 }
            }
        }

        func entry(for tag: Tag) -> DictionaryEntry? {
            let value = tag.value
            var low = 0, high = exactTags.count
            while low < high {
                let mid = (low + high) / 2
                if exactTags[mid] < value { low = mid + 1 } else { high = mid }
            }
            if low < exactTags.count, exactTags[low] == value { return exact[low] }
            return repeatingByGroupHighByte[Int(tag.group >> 8)]
                .first { $0.groups.contains(tag.group) && $0.elements.contains(tag.element) }?.entry
        }
    }

    struct PrivateIndex: Sendable {
        struct Key: Hashable, Sendable {
            let creator: String
            let group: UInt16
            /// 0x00-0xFF: the low byte, in whichever block the creator holds; else one fixed element.
            let element: UInt16
        }

        struct RangeEntry: Sendable {
            let groups: NumberRange
            let creator: String
            let element: UInt16
            let entry: DictionaryEntry
        }

        let byKey: [Key: DictionaryEntry]
        /// Entries for a range of groups such as (6001-o-60FF,"PAPYRUS 3.0",00): a few dozen.
        let ranges: [RangeEntry]

        init(table: StaticString) {
            var byKey: [Key: DictionaryEntry] = [:]
            var ranges: [RangeEntry] = []
            for row in DataDictionary.rows(of: table) {
                // group, creator, element, VRs, VM, keyword
                guard row.count == 6,
                      let groups = NumberRange(row[0].utf8), let element = UInt16(row[2], radix: 16),
                      let vrs = DataDictionary.vrs(row[3]), let vm = ValueMultiplicity(row[4])
                else {
                    assertionFailure("unreadable generated private dictionary row: \(row)")
                    continue
                }
                let creator = row[1]
                let entry = DictionaryEntry(tag: Tag(groups.low, element), vrs: vrs, vm: vm, keyword: row[5],
                                            isRetired: false, privateCreator: creator)
                if groups.isSingle {
                    byKey[Key(creator: creator, group: groups.low, element: element)] = entry
                } else {
                    ranges.append(RangeEntry(groups: groups, creator: creator, element: element, entry: entry))
                }
            }
            self.byKey = byKey
            self.ranges = ranges
        }

        func entry(creator: String, tag: Tag) -> DictionaryEntry? {
            // Only (gggg,xxee) with xx in 10-FF lies in a block that a creator reserves (PS3.5 7.8.1).
            guard tag.element >= 0x1000 else { return nil }
            return entry(creator: creator, group: tag.group, element: tag.element)
                ?? entry(creator: creator, group: tag.group, element: tag.element & 0x00FF)
        }

        private func entry(creator: String, group: UInt16, element: UInt16) -> DictionaryEntry? {
            if let entry = byKey[Key(creator: creator, group: group, element: element)] { return entry }
            return ranges.first { $0.creator == creator && $0.element == element && $0.groups.contains(group) }?.entry
        }
    }

    /// The rows of a generated table, each split into its tab-separated fields. Split as bytes:
    /// splitting a `String` walks grapheme clusters and costs several times more.
    static func rows(of table: StaticString) -> [[String]] {
        table.withUTF8Buffer { buffer in
            buffer.split(separator: UInt8(ascii: "\n")).map { line in
                line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            }
        }
    }

    /// "OB/OW" → [.OB, .OW]; "-" → [] (item delimiters have no VR).
    static func vrs(_ field: String) -> [VR]? {
        guard field != "-" else { return [] }
        var vrs: [VR] = []
        for name in field.split(separator: "/") {
            guard let vr = VR(rawValue: String(name)) else { return nil }
            vrs.append(vr)
        }
        return vrs
    }
}
