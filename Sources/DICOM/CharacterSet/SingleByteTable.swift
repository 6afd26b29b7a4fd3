/// The upper half (0x80–0xFF) of a single-byte ISO 8859 or TIS 620 set, read once from glibc's iconv
/// and then shared: decoding and encoding these sets is a table look-up, with no iconv call per value.
/// The lower half is ASCII in all of them.
struct SingleByteTable: Sendable {
    /// Unicode scalar values for 0x80–0xFF; nil where the set defines no character.
    private let upper: [Unicode.Scalar?]
    private let reverse: [Unicode.Scalar: UInt8]

    init(iconvName: String) {
        var upper = [Unicode.Scalar?](repeating: nil, count: 128)
        if let converter = IconvConverter(from: iconvName, to: "UTF-8") {
            for byte in UInt8(0x80)...0xFF {
                let (text, replacements) = converter.decode([byte])
                let scalars = text.unicodeScalars
                if replacements == 0, scalars.count == 1 { upper[Int(byte) - 0x80] = scalars.first }
            }
        }
        // C1 controls map to themselves, as in Python's codecs (glibc's TIS-620 leaves them out).
        for byte in 0x80...0x9F where upper[byte - 0x80] == nil {
            upper[byte - 0x80] = Unicode.Scalar(UInt8(byte))
        }
        var reverse: [Unicode.Scalar: UInt8] = [:]
        for (offset, scalar) in upper.enumerated() {
            if let scalar, reverse[scalar] == nil { reverse[scalar] = UInt8(0x80 + offset) }
        }
        self.upper = upper
        self.reverse = reverse
    }

    func decode(_ byte: UInt8) -> Unicode.Scalar? {
        byte < 0x80 ? Unicode.Scalar(byte) : upper[Int(byte) - 0x80]
    }

    func encode(_ scalar: Unicode.Scalar) -> UInt8? {
        scalar.value < 0x80 ? UInt8(scalar.value) : reverse[scalar]
    }

    /// The table of a single-byte set (nil for the others). Each is built on first use; Swift's lazy
    /// static initialisation makes that thread-safe.
    static func of(_ set: CodedCharacterSet) -> SingleByteTable? {
        switch set {
        case .latin2: latin2
        case .latin3: latin3
        case .latin4: latin4
        case .cyrillic: cyrillic
        case .arabic: arabic
        case .greek: greek
        case .hebrew: hebrew
        case .latin5: latin5
        case .latin9: latin9
        case .thai: thai
        default: nil
        }
    }

    private static let latin2 = SingleByteTable(iconvName: CodedCharacterSet.latin2.iconvName)
    private static let latin3 = SingleByteTable(iconvName: CodedCharacterSet.latin3.iconvName)
    private static let latin4 = SingleByteTable(iconvName: CodedCharacterSet.latin4.iconvName)
    private static let cyrillic = SingleByteTable(iconvName: CodedCharacterSet.cyrillic.iconvName)
    private static let arabic = SingleByteTable(iconvName: CodedCharacterSet.arabic.iconvName)
    private static let greek = SingleByteTable(iconvName: CodedCharacterSet.greek.iconvName)
    private static let hebrew = SingleByteTable(iconvName: CodedCharacterSet.hebrew.iconvName)
    private static let latin5 = SingleByteTable(iconvName: CodedCharacterSet.latin5.iconvName)
    private static let latin9 = SingleByteTable(iconvName: CodedCharacterSet.latin9.iconvName)
    private static let thai = SingleByteTable(iconvName: CodedCharacterSet.thai.iconvName)
}
