/// A UID that has passed the rules of PS3.5 9.1 and may therefore become part of a file path.
///
/// Blob keys and received-file names are built only from values of this type (DESIGN.md "Storage"): a UID is 1 to 64
/// characters of digits and dots, its components are not empty, and no component but "0" starts
/// with a zero. That alone rules out "/", "..", a leading dot, NUL, and every other character that
/// could move a path out of the blob store.
public struct ValidatedUID: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    /// The longest UID PS3.5 9.1 allows.
    public static let maximumLength = 64

    public init(_ text: String) throws(InvalidUID) {
        guard !text.isEmpty else { throw InvalidUID(text: text, problem: .empty) }
        guard text.utf8.count <= Self.maximumLength else { throw InvalidUID(text: text, problem: .tooLong(text.utf8.count)) }
        if let bad = text.unicodeScalars.first(where: { !("0"..."9").contains($0) && $0 != "." }) {
            throw InvalidUID(text: text, problem: .invalidCharacter(bad))
        }
        for component in text.split(separator: ".", omittingEmptySubsequences: false) {
            guard !component.isEmpty else { throw InvalidUID(text: text, problem: .emptyComponent) }
            guard component == "0" || component.first != "0" else {
                throw InvalidUID(text: text, problem: .leadingZero(String(component)))
            }
        }
        value = text
    }

    public var description: String { value }
}
