/// An ISO 2022 escape sequence in a text value: ESC, intermediate bytes 02/00–02/15, a final byte
/// 03/00–07/14 (ISO/IEC 2022 13.1), and what it designates among the sets DICOM uses
/// (PS3.3 Table C.12-3 for single-byte sets, Table C.12-4 for multi-byte sets).
struct EscapeSequence: Equatable {
    enum Meaning: Equatable {
        case designateG0(CodedCharacterSet)
        case designateG1(CodedCharacterSet)
        /// Well formed, but designates nothing DICOM defines.
        case unknown
        /// ESC not followed by a complete escape sequence.
        case malformed
    }

    static let escape: UInt8 = 0x1B

    let meaning: Meaning
    /// The bytes after ESC.
    let body: [UInt8]
    /// Bytes taken by the sequence, ESC included.
    var length: Int { 1 + body.count }

    /// Reads the escape sequence that starts at `bytes.startIndex` (which holds ESC).
    init(parsing bytes: ArraySlice<UInt8>) {
        var index = bytes.index(after: bytes.startIndex)
        while index < bytes.endIndex, (0x20...0x2F).contains(bytes[index]) { index += 1 }
        guard index < bytes.endIndex, (0x30...0x7E).contains(bytes[index]) else {
            body = []
            meaning = .malformed
            return
        }
        body = Array(bytes[bytes.index(after: bytes.startIndex)...index])
        meaning = Self.designations[body] ?? .unknown
    }

    /// The full sequence, ESC included, that designates `set` to G0 or G1.
    static func bytes(designating set: CodedCharacterSet, toG0: Bool) -> [UInt8] {
        [escape] + ((toG0 ? set.g0Escape : set.g1Escape) ?? [])
    }

    private static let designations: [[UInt8]: Meaning] = {
        var table: [[UInt8]: Meaning] = [:]
        for set in CodedCharacterSet.allCases {
            if let g0 = set.g0Escape { table[g0] = .designateG0(set) }
            if let g1 = set.g1Escape { table[g1] = .designateG1(set) }
        }
        return table
    }()
}
