/// One entry of the data dictionary (PS3.6 section 6, PS3.7 E.1, or a private dictionary).
public struct DictionaryEntry: Sendable, Hashable {
    /// For repeating groups such as (60xx,3000) the lowest tag of the range.
    public let tag: Tag
    /// One VR, or the candidates of an ambiguous one ("US or SS"), the usual choice first.
    public let vrs: [VR]
    public let vm: ValueMultiplicity
    public let keyword: String
    public let isRetired: Bool

    public init(tag: Tag, vrs: [VR], vm: ValueMultiplicity, keyword: String, isRetired: Bool) {
        self.tag = tag
        self.vrs = vrs
        self.vm = vm
        self.keyword = keyword
        self.isRetired = isRetired
    }

    public var vr: VR { vrs.first ?? .UN }
}

/// Placeholder until the generated dictionary lands: knows nothing.
public enum DataDictionary {
    public static func entry(for tag: Tag) -> DictionaryEntry? { nil }
    public static func tag(forKeyword keyword: String) -> Tag? { nil }
    public static func privateEntry(creator: String, tag: Tag) -> DictionaryEntry? { nil }
}
