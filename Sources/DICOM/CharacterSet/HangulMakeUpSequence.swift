/// The eight-byte make-up sequences of KS X 1001:1998 Annex 3, which spell a Hangul syllable that
/// has no code of its own (8,822 of the 11,172) as filler + initial + medial + final jamo, e.g. 똠.
/// Python's EUC-KR codec, and so pydicom, reads and writes them; glibc's does not, so they are
/// handled here, in the bytes as they stand in G1.
enum HangulMakeUpSequence {
    static let length = 8
    private static let jamoRow: UInt8 = 0xA4
    private static let filler: UInt8 = 0xD4

    /// The jamo codes (after 0xA4) of the 19 initial consonants, in Unicode order.
    private static let initials: [UInt8] = [
        0xA1, 0xA2, 0xA4, 0xA7, 0xA8, 0xA9, 0xB1, 0xB2, 0xB3, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xBB, 0xBC, 0xBD, 0xBE,
    ]
    /// The 21 medial vowels are 0xBF–0xD3 in order.
    private static let firstMedial: UInt8 = 0xBF
    /// The jamo codes of the 28 finals, in Unicode order; the filler for "no final".
    private static let finals: [UInt8] = [
        0xD4, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA9, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE,
        0xAF, 0xB0, 0xB1, 0xB2, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xBA, 0xBB, 0xBC, 0xBD, 0xBE,
    ]

    /// The syllable spelled by the eight bytes at the start of `bytes`, if they are a make-up sequence.
    static func syllable(at bytes: ArraySlice<UInt8>) -> Unicode.Scalar? {
        guard bytes.count >= length else { return nil }
        let b = bytes.startIndex
        guard bytes[b] == jamoRow, bytes[b + 1] == filler, bytes[b + 2] == jamoRow, bytes[b + 4] == jamoRow,
              bytes[b + 6] == jamoRow,
              let initial = initials.firstIndex(of: bytes[b + 3]),
              (firstMedial...(firstMedial + 20)).contains(bytes[b + 5]),
              let final = finals.firstIndex(of: bytes[b + 7]) else { return nil }
        let medial = Int(bytes[b + 5] - firstMedial)
        return Unicode.Scalar(UInt32(0xAC00 + initial * 588 + medial * 28 + final))
    }

    /// The make-up sequence for a precomposed Hangul syllable (U+AC00–U+D7A3).
    static func bytes(for syllable: Unicode.Scalar) -> [UInt8]? {
        guard (0xAC00...0xD7A3).contains(syllable.value) else { return nil }
        let index = Int(syllable.value - 0xAC00)
        return [jamoRow, filler, jamoRow, initials[index / 588],
                jamoRow, firstMedial + UInt8((index / 28) % 21), jamoRow, finals[index % 28]]
    }
}
