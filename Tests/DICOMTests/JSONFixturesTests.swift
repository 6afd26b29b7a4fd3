import Testing
@testable import DICOM
#if canImport(Glibc)
import Glibc
#endif

/// Builders for synthetic data sets, shared by the JSON and XML tests. Values are padded as a
/// writer of DICOM would pad them, so that a data set read back from JSON or XML is equal to the
/// one written.
enum TextFixtures {
    static func text(_ group: UInt16, _ element: UInt16, _ vr: VR, _ value: String) -> DataElement {
        var bytes = Array(value.utf8)
        if bytes.count % 2 == 1 { bytes.append(vr.paddingByte) }
        return DataElement(tag: Tag(group, element), vr: vr, bytes: bytes)
    }

    static func encoded(_ group: UInt16, _ element: UInt16, _ vr: VR, _ bytes: [UInt8]) -> DataElement {
        var bytes = bytes
        if bytes.count % 2 == 1 { bytes.append(vr.paddingByte) }
        return DataElement(tag: Tag(group, element), vr: vr, bytes: bytes)
    }

    static func binary<T: FixedWidthInteger>(_ group: UInt16, _ element: UInt16, _ vr: VR, _ values: [T]) -> DataElement {
        var bytes: [UInt8] = []
        for value in values {
            for shift in stride(from: 0, to: T.bitWidth, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
        }
        return DataElement(tag: Tag(group, element), vr: vr, bytes: bytes)
    }

    static func floats(_ group: UInt16, _ element: UInt16, _ values: [Float]) -> DataElement {
        binary(group, element, .FL, values.map(\.bitPattern))
    }

    static func doubles(_ group: UInt16, _ element: UInt16, _ values: [Double]) -> DataElement {
        binary(group, element, .FD, values.map(\.bitPattern))
    }

    static func sequence(_ group: UInt16, _ element: UInt16, _ items: [DataSet]) -> DataElement {
        DataElement(tag: Tag(group, element), items: items)
    }

    /// One element of every VR, multi-valued strings with empty values, a three-group person name,
    /// nested sequences with empty items, private elements and encapsulated pixel data.
    static var everyVR: DataSet {
        let nested = DataSet([
            text(0x0008, 0x0100, .SH, "CODE1"),
            sequence(0x0040, 0xA730, [DataSet(), DataSet([text(0x0040, 0xA040, .CS, "TEXT")])]),
        ])
        return DataSet([
            text(0x0008, 0x0005, .CS, "ISO_IR 192"),
            text(0x0008, 0x0008, .CS, "ORIGINAL\\PRIMARY\\\\AXIAL"),
            text(0x0008, 0x0016, .UI, "1.2.840.10008.5.1.4.1.1.7"),
            text(0x0008, 0x0020, .DA, "20240102"),
            text(0x0008, 0x0030, .TM, "123456.789"),
            text(0x0008, 0x002A, .DT, "20240102123456.000000+0100"),
            text(0x0008, 0x0054, .AE, "STORESCP"),
            text(0x0008, 0x0080, .LO, "Hôpital Synthétique"),
            text(0x0008, 0x0081, .ST, "Street 1\\2, Town"),
            text(0x0008, 0x0090, .PN, ""),
            text(0x0008, 0x0201, .SH, "+0100"),
            text(0x0008, 0x1190, .UR, "https://example.invalid/studies/1"),
            sequence(0x0008, 0x1032, [nested, DataSet(), nested]),
            sequence(0x0008, 0x1115, []),
            text(0x0009, 0x0010, .LO, "SYNTHETIC CREATOR"),
            encoded(0x0009, 0x1001, .UN, [0x01, 0x02, 0x03, 0x04]),
            text(0x0009, 0x1002, .LO, "private text"),
            text(0x0010, 0x0010, .PN, "Yamada^Tarou=山田^太郎=やまだ^たろう"),
            text(0x0010, 0x1001, .PN, "Doe^John\\\\Roe^Jane^^Dr."),
            text(0x0010, 0x1010, .AS, "035Y"),
            text(0x0010, 0x1030, .DS, "72.50\\-1e3\\0.125"),
            text(0x0010, 0x21B0, .LT, "line one\r\nline two \\ \"quoted\" <tag> & more"),
            text(0x0018, 0x9074, .UC, "unlimited\\characters"),
            text(0x0020, 0x0013, .IS, "42\\-7"),
            text(0x0020, 0x4000, .UT, "  leading spaces kept"),
            binary(0x0020, 0x5000, .AT, [UInt16(0x0010), 0x0010, 0x7FE0, 0x0010]),
            binary(0x0028, 0x0010, .US, [UInt16(0), 65535]),
            binary(0x0028, 0x0106, .SS, [Int16.min, -1, Int16.max]),
            binary(0x0028, 0x1101, .UL, [UInt32(0), UInt32.max]),
            binary(0x0018, 0x6020, .SL, [Int32.min, Int32.max]),
            binary(0x0072, 0x0082, .SV, [Int64.min, 0, Int64.max]),
            binary(0x0072, 0x0083, .UV, [UInt64(0), UInt64.max]),
            floats(0x0018, 0x6028, [0.1, -2.5, 3.4028235e38, .nan, .infinity, -.infinity]),
            doubles(0x0018, 0x6034, [1.0 / 3.0, 1e300, -0.0, .leastNonzeroMagnitude, .nan, -.infinity]),
            DataElement(tag: Tag(0x0028, 0x1201), vr: .OW, bytes: [0x00, 0x01, 0xFF, 0xFE]),
            DataElement(tag: Tag(0x0042, 0x0011), vr: .OB, bytes: [0x25, 0x50, 0x44, 0x46, 0x00, 0xFF]),
            DataElement(tag: Tag(0x0066, 0x0016), vr: .OF, bytes: [0, 0, 0x80, 0x3F]),
            DataElement(tag: Tag(0x0066, 0x0023), vr: .OL, bytes: [1, 0, 0, 0, 2, 0, 0, 0]),
            DataElement(tag: Tag(0x0066, 0x0040), vr: .OD, bytes: [0, 0, 0, 0, 0, 0, 0xF0, 0x3F]),
            DataElement(tag: Tag(0x0066, 0x0129), vr: .OV, bytes: [1, 2, 3, 4, 5, 6, 7, 8]),
            DataElement(tag: Tag(0x0010, 0x0020), vr: .LO, bytes: []),
            DataElement(tag: Tag(0x0028, 0x0011), vr: .US, bytes: []),
            DataElement(tag: .pixelData, vr: .OB, value: .encapsulated(EncapsulatedPixelData(
                basicOffsetTable: .inline([0, 0, 0, 0]),
                fragments: [.inline([0xFF, 0xD8, 0xFF, 0xD9]), .inline([1, 2, 3, 4, 5, 6])]))),
        ])
    }

    /// A temporary file holding `bytes`, removed by the caller.
    static func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = "/tmp/rampart-json-test-\(UInt64.random(in: 0...UInt64.max)).bin"
        let sink = try FileSink(creating: path, exclusive: true)
        try sink.write(bytes)
        try sink.flush()
        return path
    }

    static func readFile(_ path: String) throws -> [UInt8] {
        var info = stat()
        guard stat(path, &info) == 0 else { throw DICOMFileError.cannotOpen(path: path, errno: errno) }
        return try FileRegion(path: path, offset: 0, length: UInt64(info.st_size)).load()
    }
}
