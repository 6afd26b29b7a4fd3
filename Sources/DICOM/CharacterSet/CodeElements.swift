/// Which sets are designated to the G0 and G1 code elements (PS3.5 6.1.2.4, ISO/IEC 2022 8.1).
/// GL bytes (0x21–0x7E) are read in G0, GR bytes (0xA1–0xFE) in G1; DICOM invokes G0 into GL and
/// G1 into GR and never changes that, so a state is just the two designations.
struct CodeElements: Equatable, Sendable {
    /// ISO-IR 6, JIS X 0201 romaji, JIS X 0208 or JIS X 0212.
    var g0: CodedCharacterSet
    /// nil when nothing is designated to G1 (value 1 is the default repertoire).
    var g1: CodedCharacterSet?

    /// The assumed initial state for value 1 of Specific Character Set (PS3.5 6.1.2.5.1): ISO-IR 6 in
    /// G0, except JIS X 0201 romaji for ISO 2022 IR 13, and value 1's set in G1 if it is one.
    init(initial set: CodedCharacterSet) {
        switch set {
        case .jisX0201:
            g0 = .jisX0201
            g1 = .jisX0201
        case .isoIR6, .jisX0208, .jisX0212, .utf8, .gb18030, .gbk:
            g0 = .isoIR6
            g1 = nil
        case .latin1, .latin2, .latin3, .latin4, .cyrillic, .arabic, .greek, .hebrew, .latin5, .latin9, .thai,
             .ksX1001, .gb2312:
            g0 = .isoIR6
            g1 = set
        }
    }
}
