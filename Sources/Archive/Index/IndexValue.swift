/// A value bound to a `?` placeholder of index SQL, or read from a column: the few storage
/// classes the index uses on both back ends (no reals: the index keeps none).
enum IndexValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case text(String)
    case blob([UInt8])
}

/// What index code binds: strings, integers, booleans (stored as 0 or 1 on both back ends),
/// bytes, and nil through `Optional`.
protocol IndexArgument {
    var indexValue: IndexValue { get }
}

extension String: IndexArgument {
    var indexValue: IndexValue { .text(self) }
}

extension Int64: IndexArgument {
    var indexValue: IndexValue { .integer(self) }
}

extension Int: IndexArgument {
    var indexValue: IndexValue { .integer(Int64(self)) }
}

extension Bool: IndexArgument {
    var indexValue: IndexValue { .integer(self ? 1 : 0) }
}

extension Array: IndexArgument where Element == UInt8 {
    var indexValue: IndexValue { .blob(self) }
}

extension Optional: IndexArgument where Wrapped: IndexArgument {
    var indexValue: IndexValue { self?.indexValue ?? .null }
}
