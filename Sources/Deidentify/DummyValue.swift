import DICOM

/// The D action's replacement values: one value valid for each VR (PS3.5 6.2), that says nothing
/// about the patient.
public enum DummyValue {
    public static let text = "ANONYMIZED"

    /// The dummy as text, for the VRs whose values are text (PS3.5 6.2); nil for the others.
    public static func text(for vr: VR) -> String? {
        switch vr {
        case .AE, .CS, .LO, .LT, .PN, .SH, .ST, .UC, .UT: text
        case .AS: "000D"
        case .DA: "19000101"
        case .DT: "19000101000000"
        case .TM: "000000"
        case .DS, .IS: "0"
        case .UR: "urn:anonymized"
        case .AT, .US, .SS, .OW, .UL, .SL, .FL, .OF, .OL, .FD, .OD, .SV, .UV, .OV, .OB, .UN, .SQ, .UI: nil
        }
    }

    /// The dummy's bytes for a VR, or nil for VRs that have no value of their own (SQ) or whose
    /// dummy depends on the original (UI, remapped instead).
    static func bytes(for vr: VR) -> [UInt8]? {
        if let text = text(for: vr) { return padded(text, vr) }
        return switch vr {
        // Answered above: their dummy is text.
        case .AE, .CS, .LO, .LT, .PN, .SH, .ST, .UC, .UT, .AS, .DA, .DT, .TM, .DS, .IS, .UR: nil
        case .AT: [UInt8](repeating: 0, count: 4)
        case .US, .SS, .OW: [0, 0]
        case .UL, .SL, .FL, .OF, .OL: [UInt8](repeating: 0, count: 4)
        case .FD, .OD, .SV, .UV, .OV: [UInt8](repeating: 0, count: 8)
        case .OB, .UN: [0, 0]
        case .SQ, .UI: nil
        }
    }

    static func padded(_ text: String, _ vr: VR) -> [UInt8] {
        var bytes = Array(text.utf8)
        if bytes.count % 2 == 1 { bytes.append(vr.paddingByte) }
        return bytes
    }
}
