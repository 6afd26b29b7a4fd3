/// A DICOM person name (PN) as study conditions compare it: as written, without the trailing
/// empty components and padding that do not change the name ("Doe^Jane^^" is "Doe^Jane"). The
/// archive's SQL compares `rtrim(name, '^= ')` with `value`, which is the same rule.
public struct PersonNameKey: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    /// The characters trimmed from the end: component and group delimiters, and space padding.
    public static let trailingPadding: Set<Character> = ["^", "=", " "]

    public init(_ name: String) {
        var trimmed = Substring(name)
        while let last = trimmed.last, Self.trailingPadding.contains(last) { trimmed = trimmed.dropLast() }
        value = String(trimmed)
    }

    public var description: String { value }
}
