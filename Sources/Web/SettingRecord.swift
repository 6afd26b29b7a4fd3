/// A setting an administrator may change while the server runs, as `/api/settings` shows it.
public struct SettingRecord: Codable, Sendable, Hashable {
    /// The key in rampart.yaml, `dicom.limits.max_associations`.
    public var name: String
    public var value: SettingValue
    /// What it does, for the settings page.
    public var description: String
    /// Bounds of a number.
    public var minimum: Int?
    public var maximum: Int?
    /// Where the value in force comes from: `default`, `rampart.yaml`, or `changed at run time` (settings.json).
    public var source: String

    public init(name: String, value: SettingValue, description: String, minimum: Int? = nil, maximum: Int? = nil, source: String) {
        self.name = name
        self.value = value
        self.description = description
        self.minimum = minimum
        self.maximum = maximum
        self.source = source
    }
}

/// A setting's value: a whole number or a yes/no, as JSON writes them.
public enum SettingValue: Codable, Sendable, Hashable, CustomStringConvertible {
    case integer(Int)
    case boolean(Bool)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            self = .boolean(flag)
        } else {
            self = .integer(try container.decode(Int.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .integer(number): try container.encode(number)
        case let .boolean(flag): try container.encode(flag)
        }
    }

    public var description: String {
        switch self {
        case let .integer(number): String(number)
        case let .boolean(flag): String(flag)
        }
    }
}
