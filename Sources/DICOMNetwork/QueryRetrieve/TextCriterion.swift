/// How one text key value is compared with one entity value.
enum TextCriterion: Sendable {
    /// Single Value Matching (C.2.2.2.1): the same characters; for PN normalised and, by
    /// default, without regard to case (the key is then already lower case).
    case equals(String, caseInsensitive: Bool, personName: Bool)
    /// Single Value Matching of DS and IS by number, so "5" finds "5.0" and "005".
    case number(Double)
    /// Wild Card Matching (C.2.2.2.4).
    /// `personNameKey` is the normalised PN key the pattern was made from, nil for other VRs.
    case pattern(WildcardPattern, personNameKey: String?)

    func matches(_ value: String) -> Bool {
        switch self {
        case let .equals(key, caseInsensitive, personName):
            let candidates = personName ? PersonNameText.candidates(for: key, in: value) : [value]
            return candidates.contains { (caseInsensitive ? $0.lowercased() : $0) == key }
        case .number(let key):
            return Double(value) == key
        case let .pattern(pattern, personNameKey):
            // The pattern is built from the normalised key; the value is normalised alike.
            let candidates = personNameKey.map { PersonNameText.candidates(for: $0, in: value) } ?? [value]
            return candidates.contains(where: pattern.matches)
        }
    }
}
