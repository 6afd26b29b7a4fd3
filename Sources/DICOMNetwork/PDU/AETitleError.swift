/// Why a string or a 16-byte field is not an application entity title (PS3.5 6.2, VR AE).
public enum AETitleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// More than 16 characters once leading and trailing spaces are removed.
    case tooLong(String, count: Int)
    /// A byte outside the default character repertoire, a control character or a backslash.
    case invalidCharacter(String, byte: UInt8)

    public var description: String {
        switch self {
        case let .tooLong(title, count):
            "AE title \"\(title)\" has \(count) characters; at most 16 are allowed (PS3.5 6.2)"
        case let .invalidCharacter(title, byte):
            "AE title \"\(title)\" contains byte 0x\(twoHexDigits(byte)); only printable ASCII other than backslash is allowed (PS3.5 6.2)"
        }
    }
}
