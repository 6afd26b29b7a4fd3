/// Value multiplicity, PS3.5 6.4: "1", "1-3", "1-n", "2-2n".
public struct ValueMultiplicity: Sendable, Hashable, CustomStringConvertible {
    public let minimum: Int
    /// nil for "n".
    public let maximum: Int?
    /// The count grows in steps of this many ("2-2n" has step 2).
    public let step: Int

    public init(minimum: Int, maximum: Int?, step: Int = 1) {
        self.minimum = minimum
        self.maximum = maximum
        self.step = step
    }

    public static let one = ValueMultiplicity(minimum: 1, maximum: 1)

    /// Parses the dictionary notation.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, let low = Int(first) else { return nil }
        switch parts.count {
        case 1:
            self.init(minimum: low, maximum: low)
        case 2 where parts[1].hasSuffix("n"):
            let factor = parts[1].dropLast()
            guard let step = factor.isEmpty ? 1 : Int(factor) else { return nil }
            self.init(minimum: low, maximum: nil, step: step)
        case 2:
            guard let high = Int(parts[1]), high >= low else { return nil }
            self.init(minimum: low, maximum: high)
        default:
            return nil
        }
    }

    public func allows(_ count: Int) -> Bool {
        guard count >= minimum else { return false }
        if let maximum { return count <= maximum }
        return (count - minimum) % step == 0 || count % step == 0
    }

    public var description: String {
        guard let maximum else { return step == 1 ? "\(minimum)-n" : "\(minimum)-\(step)n" }
        return minimum == maximum ? "\(minimum)" : "\(minimum)-\(maximum)"
    }
}
