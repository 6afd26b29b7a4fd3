import DICOM
import Foundation

/// The object `rampart scan --intrusive` stores to prove that an archive takes C-STORE from
/// anyone: a CT image of 8 x 8 zero pixels, for a patient whose name and ID say what it is,
/// with new UIDs (2.25, from a random UUID) that the report gives so that the object can be
/// found and deleted. Nothing of it is anybody's data.
struct ScanTestObject: Sendable {
    static let patientName = "RAMPART^SCAN^TEST^^DELETE ME"
    static let patientID = "RAMPART-SCAN-TEST"

    let sopClassUID: String
    let sopInstanceUID: String
    let dataSet: DataSet

    init(sopClassUID: String) {
        self.sopClassUID = sopClassUID
        sopInstanceUID = Self.newUID()
        let (text, uid, us) = (DataElement.text, Self.uid, Self.us)
        dataSet = DataSet([
            text(Tag(0x0008, 0x0008), .CS, ["DERIVED", "SECONDARY"]),
            uid(Tag(0x0008, 0x0016), sopClassUID),
            uid(Tag(0x0008, 0x0018), sopInstanceUID),
            text(Tag(0x0008, 0x0060), .CS, ["CT"]),
            text(Tag(0x0008, 0x1030), .LO, ["Exposure scan test object: delete me"]),
            text(Tag(0x0010, 0x0010), .PN, [Self.patientName]),
            text(Tag(0x0010, 0x0020), .LO, [Self.patientID]),
            uid(Tag(0x0020, 0x000D), Self.newUID()),
            uid(Tag(0x0020, 0x000E), Self.newUID()),
            text(Tag(0x0020, 0x0013), .IS, ["1"]),
            us(Tag(0x0028, 0x0002), 1),
            text(Tag(0x0028, 0x0004), .CS, ["MONOCHROME2"]),
            us(Tag(0x0028, 0x0010), 8),
            us(Tag(0x0028, 0x0011), 8),
            us(Tag(0x0028, 0x0100), 16),
            us(Tag(0x0028, 0x0101), 12),
            us(Tag(0x0028, 0x0102), 11),
            us(Tag(0x0028, 0x0103), 0),
            DataElement(tag: Tag(0x7FE0, 0x0010), vr: .OW, bytes: [UInt8](repeating: 0, count: 8 * 8 * 2)),
        ])
    }

    private static func uid(_ tag: Tag, _ value: String) -> DataElement {
        .text(tag, .UI, [value])
    }

    private static func us(_ tag: Tag, _ value: UInt16) -> DataElement {
        DataElement(tag: tag, vr: .US, bytes: [UInt8(value & 0xFF), UInt8(value >> 8)])
    }

    /// 2.25.<the decimal of a random 128-bit UUID> (PS3.5 B.2).
    static func newUID() -> String {
        let bytes = withUnsafeBytes(of: UUID().uuid) { Array($0) }
        let number = bytes.reduce(UInt128(0)) { $0 << 8 | UInt128($1) }
        return "2.25.\(number)"
    }
}
