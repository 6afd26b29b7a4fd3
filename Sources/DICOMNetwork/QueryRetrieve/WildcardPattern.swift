/// Wild Card Matching (PS3.4 C.2.2.2.4): "*" matches any sequence of characters, including
/// none, and "?" any single character. Every other character stands for itself: there is no
/// escape and no other special character, so ".", "^", "[" or "\" in a key are literal.
///
/// Matching walks the text once, going back only to the last "*" seen: no regular expression,
/// so a hostile key ("*a*a*a*…b") costs at most pattern × text steps, never exponential time.
struct WildcardPattern: Sendable, Hashable {
    private enum Element: Hashable {
        case literal(Character)
        case any        // ?
        case anyRun     // *
    }

    private let elements: [Element]
    let caseInsensitive: Bool

    /// A pattern from a key value; characters are compared as Swift characters (extended
    /// grapheme clusters), so "?" stands for one user-perceived character in any character set.
    init(_ pattern: String, caseInsensitive: Bool) {
        self.caseInsensitive = caseInsensitive
        var elements: [Element] = []
        for character in caseInsensitive ? pattern.lowercased() : pattern {
            switch character {
            case "*":
                if elements.last != .anyRun { elements.append(.anyRun) }   // "**" is "*"
            case "?":
                elements.append(.any)
            default:
                elements.append(.literal(character))
            }
        }
        self.elements = elements
    }

    /// True for a key whose characters include "*" or "?": it is matched as a pattern.
    static func hasWildcards(_ value: String) -> Bool {
        value.contains(where: { $0 == "*" || $0 == "?" })
    }

    /// A pattern of "*" alone matches everything, absent values included: "Wild Card Matching on
    /// a value of "*" is equivalent to Universal Matching" (PS3.4 C.2.2.2.4).
    var isUniversal: Bool { elements == [.anyRun] }

    func matches(_ text: String) -> Bool {
        let characters = Array(caseInsensitive ? text.lowercased() : text)
        var p = 0, t = 0
        var star: Int?              // index of the last "*" in the pattern
        var starText = 0            // where the text stood when that "*" was taken
        while t < characters.count {
            if p < elements.count {
                switch elements[p] {
                case .anyRun:
                    star = p
                    starText = t
                    p += 1
                    continue
                case .any:
                    p += 1
                    t += 1
                    continue
                case .literal(let character) where character == characters[t]:
                    p += 1
                    t += 1
                    continue
                case .literal:
                    break
                }
            }
            // Mismatch: let the last "*" swallow one more character, or fail.
            guard let star else { return false }
            p = star + 1
            starText += 1
            t = starText
        }
        while p < elements.count, elements[p] == .anyRun { p += 1 }
        return p == elements.count
    }
}
