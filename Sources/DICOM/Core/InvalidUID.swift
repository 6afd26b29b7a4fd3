/// A value that is not a UID under PS3.5 9.1, and why: it was refused before it could name a
/// file or reach the index.
public struct InvalidUID: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Problem: Sendable, Hashable {
        case empty
        case tooLong(Int)
        case invalidCharacter(Unicode.Scalar)
        case emptyComponent
        case leadingZero(String)
    }

    /// The refused text, cut to a length that is safe to log.
    public let text: String
    public let problem: Problem

    public init(text: String, problem: Problem) {
        // Hostile input can be long; the first characters are enough to find it.
        self.text = String(text.prefix(80))
        self.problem = problem
    }

    public var description: String {
        let shown = text.debugDescription
        switch problem {
        case .empty:
            return "an empty UID: the object must carry its UIDs (PS3.5 9.1)"
        case .tooLong(let count):
            return "UID \(shown) is \(count) characters long; PS3.5 9.1 allows at most 64"
        case .invalidCharacter(let scalar):
            return "UID \(shown) holds \(String(scalar).debugDescription); a UID is digits and dots only (PS3.5 9.1)"
        case .emptyComponent:
            return "UID \(shown) has an empty component (two dots in a row, or a dot at an end); see PS3.5 9.1"
        case .leadingZero(let component):
            return "UID \(shown) has component \"\(component)\" with a leading zero, which PS3.5 9.1 forbids"
        }
    }
}
