/// A parsed JSON value. Numbers keep their text, so that a DS value such as 1.50 comes back as
/// "1.50" and a 64-bit integer loses no digits; object members keep their order.
indirect enum JSONValue {
    case object([Member])
    case array([JSONValue])
    case string(String)
    /// The number's text; also NaN, Infinity and -Infinity, which Python's json writes.
    case number(String)
    case bool(Bool)
    case null

    /// What the value is, for error messages.
    var kind: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }

    /// A member of an object: its name and value.
    struct Member {
        var key: String
        var value: JSONValue
    }
}
