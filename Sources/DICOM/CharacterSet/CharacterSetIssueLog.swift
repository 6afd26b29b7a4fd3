/// Gathers the issues of one decode or encode call, merging repeats so a long damaged value yields a
/// few counted issues rather than one per byte.
struct CharacterSetIssueLog {
    private var undecodable: [(set: String, count: Int)] = []
    private var unknownEscapes: [[UInt8]] = []
    private var undeclared: [String] = []
    private var unencodable = 0
    private var unencodableTerms: [String] = []

    mutating func undecodableBytes(_ count: Int, in set: String) {
        guard count > 0 else { return }
        if let index = undecodable.firstIndex(where: { $0.set == set }) {
            undecodable[index].count += count
        } else {
            undecodable.append((set, count))
        }
    }

    mutating func unknownEscape(_ body: [UInt8]) {
        if !unknownEscapes.contains(body), unknownEscapes.count < 8 { unknownEscapes.append(body) }
    }

    mutating func undeclaredEscape(_ set: CodedCharacterSet) {
        if !undeclared.contains(set.term) { undeclared.append(set.term) }
    }

    mutating func unencodableCharacter(terms: [String]) {
        unencodable += 1
        unencodableTerms = terms
    }

    var issues: [CharacterSetIssue] {
        undeclared.map { .undeclaredEscapeSequence(term: $0) }
            + unknownEscapes.map { .unknownEscapeSequence($0) }
            + undecodable.map { .undecodableBytes(count: $0.count, characterSet: $0.set) }
            + (unencodable > 0 ? [.unencodableCharacters(count: unencodable, terms: unencodableTerms)] : [])
    }
}
