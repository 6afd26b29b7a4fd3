/// Something about a Specific Character Set or a text value that was not as the standard says, and what
/// was done about it. Decoding and encoding never fail: they recover (as pydicom does after its
/// warning) and report these so the caller can log them. None of them carries patient text.
public enum CharacterSetIssue: Sendable, Hashable, CustomStringConvertible {
    /// A misspelled defined term, read as the term it resembles.
    case correctedTerm(String, assumed: String)
    /// A value that names no character set; the default repertoire is used in its place.
    case unknownTerm(String)
    /// Value 1 is a character set that allows no code extensions; the other values are ignored.
    case codeExtensionsIgnored(first: String, ignored: [String])
    /// A character set that allows no code extensions, listed as a code extension; it is ignored.
    case standaloneTermIgnored(String)
    /// Bytes that are not valid in the character set in force where they occur; each became U+FFFD.
    case undecodableBytes(count: Int, characterSet: String)
    /// An escape sequence that designates none of the sets of PS3.3 Tables C.12-3 and C.12-4
    /// (the bytes after ESC); it became U+FFFD.
    case unknownEscapeSequence([UInt8])
    /// An escape sequence switching to a set that Specific Character Set does not list; the text was
    /// decoded in that set anyway.
    case undeclaredEscapeSequence(term: String)
    /// Characters that no listed character set can represent; each was written as "?".
    case unencodableCharacters(count: Int, terms: [String])

    public var description: String {
        switch self {
        case let .correctedTerm(given, assumed):
            "Specific Character Set value \"\(given)\" is not a defined term: read as \"\(assumed)\""
        case let .unknownTerm(term):
            "Specific Character Set value \"\(term)\" is not a defined term (PS3.3 C.12.1.1.2): "
                + "text is read with the default repertoire in its place"
        case let .codeExtensionsIgnored(first, ignored):
            "\"\(first)\" cannot be used with code extensions (PS3.5 6.1.2.5.4): Specific Character Set values "
                + ignored.map { "\"\($0)\"" }.joined(separator: ", ") + " ignored"
        case let .standaloneTermIgnored(term):
            "\"\(term)\" cannot be a code extension (PS3.5 6.1.2.5.4): Specific Character Set value ignored"
        case let .undecodableBytes(count, characterSet):
            "\(count) byte sequence\(count == 1 ? " is" : "s are") not valid in \(characterSet): replaced by U+FFFD"
        case let .unknownEscapeSequence(bytes):
            "escape sequence ESC " + bytes.map { Self.columnRow($0) }.joined(separator: " ")
                + " designates no character set of PS3.3 Tables C.12-3/C.12-4: replaced by U+FFFD"
        case let .undeclaredEscapeSequence(term):
            "value switches to \(term) by escape sequence, but Specific Character Set does not list it: decoded anyway"
        case let .unencodableCharacters(count, terms):
            "\(count) character\(count == 1 ? "" : "s") cannot be represented in "
                + (terms.isEmpty ? "the default repertoire" : terms.map { "\"\($0)\"" }.joined(separator: "\\"))
                + ": written as \"?\""
        }
    }

    /// A byte in the standard's column/row notation, e.g. 0x24 → "02/04".
    private static func columnRow(_ byte: UInt8) -> String {
        let column = byte >> 4, row = byte & 0x0F
        return (column < 10 ? "0" : "") + String(column) + "/" + (row < 10 ? "0" : "") + String(row)
    }
}
