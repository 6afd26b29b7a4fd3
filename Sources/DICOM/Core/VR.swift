/// The 34 value representations of PS3.5 Table 6.2-1.
public enum VR: String, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    case AE, AS, AT, CS, DA, DS, DT, FL, FD, IS, LO, LT, OB, OD, OF, OL, OV, OW
    case PN, SH, SL, SQ, SS, ST, SV, TM, UC, UI, UL, UN, UR, US, UT, UV

    public var description: String { rawValue }

    /// The two bytes of the VR field in explicit VR encodings.
    public init?(bytes b0: UInt8, _ b1: UInt8) {
        guard (0x41...0x5A).contains(b0), (0x41...0x5A).contains(b1) else { return nil }
        self.init(rawValue: String(decoding: [b0, b1], as: UTF8.self))
    }

    public var bytes: (UInt8, UInt8) {
        let utf8 = Array(rawValue.utf8)
        return (utf8[0], utf8[1])
    }

    /// VRs with a reserved 2-byte field and a 4-byte length in explicit VR (PS3.5 7.1.2).
    public var hasLongExplicitLength: Bool {
        switch self {
        case .OB, .OD, .OF, .OL, .OV, .OW, .SQ, .SV, .UC, .UN, .UR, .UT, .UV: true
        default: false
        }
    }

    /// Character string VRs, whose values are text.
    public var isString: Bool {
        switch self {
        case .AE, .AS, .CS, .DA, .DS, .DT, .IS, .LO, .LT, .PN, .SH, .ST, .TM, .UC, .UI, .UR, .UT: true
        default: false
        }
    }

    /// String VRs decoded with the Specific Character Set (PS3.5 6.1.2.3); the others use the default repertoire.
    public var usesSpecificCharacterSet: Bool {
        switch self {
        case .LO, .LT, .PN, .SH, .ST, .UC, .UT: true
        default: false
        }
    }

    /// String VRs that hold one value only: a backslash in them is a character, not a delimiter.
    public var isSingleValuedText: Bool {
        switch self {
        case .LT, .ST, .UT, .UR: true
        default: false
        }
    }

    /// Byte size of one binary value, for byte swapping and value counts; nil for strings, SQ, and byte streams.
    public var binaryWordSize: Int? {
        switch self {
        case .AT, .US, .SS, .OW: 2
        case .UL, .SL, .FL, .OF, .OL: 4
        case .FD, .OD, .SV, .UV, .OV: 8
        default: nil
        }
    }

    /// Byte-stream VRs, held as bulk data in DICOM JSON and XML.
    public var isBulk: Bool {
        switch self {
        case .OB, .OD, .OF, .OL, .OV, .OW, .UN: true
        default: false
        }
    }

    /// Padding to even length: NUL for UI and binary, space for the other strings (PS3.5 6.2).
    public var paddingByte: UInt8 {
        switch self {
        case .UI: 0x00
        default: isString ? 0x20 : 0x00
        }
    }
}
