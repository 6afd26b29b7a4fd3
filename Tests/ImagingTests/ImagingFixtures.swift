import DICOM
@testable import Imaging

/// Data sets that describe synthetic pixel data, built element by element.
enum ImagingFixtures {
    static func us(_ group: UInt16, _ element: UInt16, _ values: [Int]) -> DataElement {
        DataElement(tag: Tag(group, element), vr: .US, bytes: values.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8 & 0xFF)] })
    }

    static func ds(_ group: UInt16, _ element: UInt16, _ value: String) -> DataElement {
        .text(Tag(group, element), .DS, [value])
    }

    /// A monochrome image description with `pixels` as its pixel data.
    static func monochrome(rows: Int, columns: Int, bits: Int = 16, stored: Int? = nil, signed: Bool = false,
                           photometric: String = "MONOCHROME2", frames: Int? = nil, pixels: [UInt8] = [],
                           extra: [DataElement] = []) -> DataSet {
        var dataSet = DataSet([
            us(0x0028, 0x0002, [1]),
            .text(Tag(0x0028, 0x0004), .CS, [photometric]),
            us(0x0028, 0x0010, [rows]),
            us(0x0028, 0x0011, [columns]),
            us(0x0028, 0x0100, [bits]),
            us(0x0028, 0x0101, [stored ?? bits]),
            us(0x0028, 0x0102, [(stored ?? bits) - 1]),
            us(0x0028, 0x0103, [signed ? 1 : 0]),
            DataElement(tag: Tag(0x7FE0, 0x0010), vr: bits > 8 ? .OW : .OB, bytes: pixels),
        ] + extra)
        if let frames { dataSet.insert(.text(Tag(0x0028, 0x0008), .IS, [String(frames)])) }
        return dataSet
    }

    /// 16-bit little-endian words of `values` (two's complement for negatives).
    static func words(_ values: [Int]) -> [UInt8] {
        values.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8 & 0xFF)] }
    }
}
