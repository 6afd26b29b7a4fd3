/// A synthetic input that is not what a benchmark was written for: the generator and the code
/// under test disagree, and the figures would mislead until one of them is fixed.
enum SyntheticInputError: Error, CustomStringConvertible {
    case unexpectedMatches(query: String, expected: Int, matched: Int, found: Int)

    var description: String {
        switch self {
        case let .unexpectedMatches(query, expected, matched, found):
            "the \(query) identifier should match \(expected) of the synthetic studies, but "
                + "QueryIdentifier.matches matched \(matched) and InstanceIndex.find found \(found): "
                + "fix SyntheticStudies or the matching code"
        }
    }
}
