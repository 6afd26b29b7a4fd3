import DICOM

/// The D action's replacement values: one value valid for each VR (PS3.5 6.2), that says nothing
/// about the patient.
enum DummyValue {
    static let text = "ANONYMIZED"

    /// The dummy's bytes for a VR, or nil for VRs that have no value of their own (SQ) or whose
    /// dummy depends on the original (UI, remapped instead).
    static func bytes(for vr: VR) -> [UInt8]? {
        switch vr {
        case .AE, .CS, .LO, .LT, .PN, .SH, .ST, .UC, .UT: padded(text, vr)
        case .AS: padded("000D", vr)
        case .DA: padded("19000101", vr)
        case .DT: padded("19000101000000", vr)
        case .TM: padded("000000", vr)
        case .DS, .IS: padded("0", vr)
        case .UR: padded("urn:anonymized", vr)
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
