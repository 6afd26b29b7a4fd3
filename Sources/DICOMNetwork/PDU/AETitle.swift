/// An application entity title: up to 16 characters of the default repertoire, sent as a
/// 16-byte field padded with spaces (PS3.5 6.2, PS3.8 9.3.2).
///
/// Leading and trailing spaces are not significant, so `" STORE"` and `"STORE "` are the same
/// title. A title of spaces only can be received and represented, but it identifies no one:
/// check `isBlank` before trusting it.
public struct AETitle: Sendable, Hashable, CustomStringConvertible {
    /// The title without its leading and trailing spaces.
    public let value: String

    /// A title of spaces only.
    public static let blank = AETitle(trusted: "")

    /// Validates `string`: at most 16 characters after trimming spaces, printable ASCII, no backslash.
    public init(_ string: String) throws(AETitleError) {
        try self.init(bytes: Array(string.utf8), shown: string)
    }

    /// Decodes a 16-byte field as received. Trailing NUL bytes, which some implementations pad
    /// with, are treated as spaces.
    init(field bytes: [UInt8]) throws(AETitleError) {
        let padded = bytes.map { $0 == 0 ? 0x20 : $0 }
        try self.init(bytes: padded, shown: String(decoding: padded, as: UTF8.self))
    }

    private init(bytes: [UInt8], shown: String) throws(AETitleError) {
        var trimmed = bytes[...]
        while trimmed.first == 0x20 { trimmed = trimmed.dropFirst() }
        while trimmed.last == 0x20 { trimmed = trimmed.dropLast() }
        if let bad = trimmed.first(where: { $0 < 0x20 || $0 > 0x7E || $0 == 0x5C }) {
            throw .invalidCharacter(shown, byte: bad)
        }
        guard trimmed.count <= 16 else { throw .tooLong(shown, count: trimmed.count) }
        self.value = String(decoding: trimmed, as: UTF8.self)
    }

    private init(trusted value: String) { self.value = value }

    /// True when the title is empty or spaces only: it names no application entity.
    public var isBlank: Bool { value.isEmpty }

    /// The 16-byte field as sent: the title followed by spaces.
    public var field: [UInt8] {
        Array(value.utf8) + Array(repeating: 0x20, count: 16 - value.utf8.count)
    }

    public var description: String { value }
}
