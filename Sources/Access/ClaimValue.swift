/// A JSON value in a token's payload: an identity provider's claims are whatever its operator
/// configured (`realm_access.roles`, `groups`, ...), so they are read as plain JSON and looked up
/// by the path rampart.yaml names.
enum ClaimValue: Sendable, Hashable, Codable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case array([ClaimValue])
    case object([String: ClaimValue])
    case null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([ClaimValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: ClaimValue].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .string(value): try container.encode(value)
        case let .number(value): try container.encode(value)
        case let .bool(value): try container.encode(value)
        case let .array(value): try container.encode(value)
        case let .object(value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }

    /// The value at a dotted path (`realm_access.roles`) in an object.
    func value(at path: String) -> ClaimValue? {
        var current: ClaimValue? = self
        for name in path.split(separator: ".", omittingEmptySubsequences: false) {
            guard case let .object(fields) = current else { return nil }
            current = fields[String(name)]
        }
        return current
    }

    var string: String? {
        if case let .string(value) = self { value } else { nil }
    }

    var number: Double? {
        if case let .number(value) = self { value } else { nil }
    }

    /// A list of names: an array of strings, or one string (`"scope": "a b"` style is one name
    /// per space-separated word).
    var names: [String]? {
        switch self {
        case let .string(value): value.split(separator: " ").map(String.init)
        case let .array(values): values.compactMap(\.string)
        default: nil
        }
    }
}
