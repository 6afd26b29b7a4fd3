/// The characters before which the character set of value 1 must be in force again (PS3.5 6.1.2.5.3):
/// control characters other than ESC (CR, LF, FF, TAB …), the value delimiter "\" in multi-valued
/// VRs, and "^" and "=" in PN. A writer switches back before them; a reader starts over in the
/// initial state at them, so each value, component group and line decodes on its own.
struct CharacterSetResetPoints: Sendable {
    let backslash: Bool
    let personNameDelimiters: Bool

    init(vr: VR) {
        backslash = !vr.isSingleValuedText
        personNameDelimiters = vr == .PN
    }

    func contains(_ byte: UInt8) -> Bool {
        switch byte {
        case EscapeSequence.escape: false
        case 0x00..<0x20: true
        case 0x5C: backslash
        case 0x5E, 0x3D: personNameDelimiters
        default: false
        }
    }

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x80 && contains(UInt8(scalar.value))
    }
}
