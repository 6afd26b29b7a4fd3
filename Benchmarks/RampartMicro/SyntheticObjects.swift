import DICOM

/// Part 10 objects made in memory for the parser benchmarks: no file is read, and every value
/// is synthetic (no patient data).
enum SyntheticObjects {
    /// A CT image as a scanner writes it: 512×512 16-bit pixels and about 115 attributes, 40 of
    /// them in a vendor's private block.
    static let ct: [UInt8] = encode(ctDataSet())

    /// A small object of 2,000 attributes and no pixel data, where the per-element cost of the
    /// parser dominates (structured reports and presentation states look like this).
    static let manyAttributes: [UInt8] = encode(manyAttributesDataSet())

    private static let ctImageStorage = "1.2.840.10008.5.1.4.1.1.2"

    private static func ctDataSet() -> DataSet {
        var elements: [DataElement] = [
            .text(Tag(0x0008, 0x0005), .CS, ["ISO_IR 100"]),
            .text(Tag(0x0008, 0x0008), .CS, ["ORIGINAL", "PRIMARY", "AXIAL"]),
            .text(Tag(0x0008, 0x0012), .DA, ["20240115"]),
            .text(Tag(0x0008, 0x0013), .TM, ["101530"]),
            .uid(Tag(0x0008, 0x0016), ctImageStorage),
            .uid(Tag(0x0008, 0x0018), "2.25.1000001"),
            .text(Tag(0x0008, 0x0020), .DA, ["20240115"]),
            .text(Tag(0x0008, 0x0021), .DA, ["20240115"]),
            .text(Tag(0x0008, 0x0022), .DA, ["20240115"]),
            .text(Tag(0x0008, 0x0023), .DA, ["20240115"]),
            .text(Tag(0x0008, 0x0030), .TM, ["101010"]),
            .text(Tag(0x0008, 0x0031), .TM, ["101200"]),
            .text(Tag(0x0008, 0x0032), .TM, ["101305"]),
            .text(Tag(0x0008, 0x0033), .TM, ["101305"]),
            .text(Tag(0x0008, 0x0050), .SH, ["ACC0000001"]),
            .text(Tag(0x0008, 0x0060), .CS, ["CT"]),
            .text(Tag(0x0008, 0x0070), .LO, ["SYNTHETIC MEDICAL"]),
            .text(Tag(0x0008, 0x0080), .LO, ["SYNTHETIC HOSPITAL"]),
            .text(Tag(0x0008, 0x0090), .PN, ["REFERRER^SYNTHETIC"]),
            .text(Tag(0x0008, 0x1010), .SH, ["CTSTATION1"]),
            .text(Tag(0x0008, 0x1030), .LO, ["CT CHEST WITH CONTRAST"]),
            .text(Tag(0x0008, 0x103E), .LO, ["AXIAL 1.25MM"]),
            .text(Tag(0x0008, 0x1090), .LO, ["SYNTHETIC SCANNER 64"]),
            .text(Tag(0x0010, 0x0010), .PN, ["DOE^JANE"]),
            .text(Tag(0x0010, 0x0020), .LO, ["PID0000001"]),
            .text(Tag(0x0010, 0x0030), .DA, ["19700101"]),
            .text(Tag(0x0010, 0x0040), .CS, ["F"]),
            .text(Tag(0x0010, 0x1010), .AS, ["054Y"]),
            .text(Tag(0x0018, 0x0015), .CS, ["CHEST"]),
            .text(Tag(0x0018, 0x0022), .CS, ["HELICAL MODE"]),
            .text(Tag(0x0018, 0x0050), .DS, ["1.25"]),
            .text(Tag(0x0018, 0x0060), .DS, ["120"]),
            .text(Tag(0x0018, 0x0088), .DS, ["1.25"]),
            .text(Tag(0x0018, 0x0090), .DS, ["500"]),
            .text(Tag(0x0018, 0x1000), .LO, ["SN000001"]),
            .text(Tag(0x0018, 0x1020), .LO, ["1.0.0"]),
            .text(Tag(0x0018, 0x1030), .LO, ["CHEST ROUTINE"]),
            .text(Tag(0x0018, 0x1100), .DS, ["360"]),
            .text(Tag(0x0018, 0x1110), .DS, ["949.075"]),
            .text(Tag(0x0018, 0x1111), .DS, ["541"]),
            .text(Tag(0x0018, 0x1120), .DS, ["0"]),
            .text(Tag(0x0018, 0x1130), .DS, ["160"]),
            .text(Tag(0x0018, 0x1140), .CS, ["CW"]),
            .text(Tag(0x0018, 0x1150), .IS, ["500"]),
            .text(Tag(0x0018, 0x1151), .IS, ["250"]),
            .text(Tag(0x0018, 0x1152), .IS, ["125"]),
            .text(Tag(0x0018, 0x1160), .SH, ["BODY FILTER"]),
            .text(Tag(0x0018, 0x1170), .IS, ["30000"]),
            .text(Tag(0x0018, 0x1190), .DS, ["0.7"]),
            .text(Tag(0x0018, 0x1210), .SH, ["STANDARD"]),
            .text(Tag(0x0018, 0x5100), .CS, ["FFS"]),
            .uid(Tag(0x0020, 0x000D), "2.25.1000002"),
            .uid(Tag(0x0020, 0x000E), "2.25.1000003"),
            .text(Tag(0x0020, 0x0010), .SH, ["1"]),
            .text(Tag(0x0020, 0x0011), .IS, ["2"]),
            .text(Tag(0x0020, 0x0012), .IS, ["1"]),
            .text(Tag(0x0020, 0x0013), .IS, ["42"]),
            .text(Tag(0x0020, 0x0032), .DS, ["-250", "-250", "-120.5"]),
            .text(Tag(0x0020, 0x0037), .DS, ["1", "0", "0", "0", "1", "0"]),
            .uid(Tag(0x0020, 0x0052), "2.25.1000004"),
            .text(Tag(0x0020, 0x1040), .LO, [""]),
            .text(Tag(0x0020, 0x1041), .DS, ["-120.5"]),
            DataElement(tag: Tag(0x0028, 0x0002), vr: .US, bytes: littleEndian16(1)),
            .text(Tag(0x0028, 0x0004), .CS, ["MONOCHROME2"]),
            DataElement(tag: Tag(0x0028, 0x0010), vr: .US, bytes: littleEndian16(512)),
            DataElement(tag: Tag(0x0028, 0x0011), vr: .US, bytes: littleEndian16(512)),
            .text(Tag(0x0028, 0x0030), .DS, ["0.976562", "0.976562"]),
            DataElement(tag: Tag(0x0028, 0x0100), vr: .US, bytes: littleEndian16(16)),
            DataElement(tag: Tag(0x0028, 0x0101), vr: .US, bytes: littleEndian16(12)),
            DataElement(tag: Tag(0x0028, 0x0102), vr: .US, bytes: littleEndian16(11)),
            DataElement(tag: Tag(0x0028, 0x0103), vr: .US, bytes: littleEndian16(0)),
            .text(Tag(0x0028, 0x1050), .DS, ["40"]),
            .text(Tag(0x0028, 0x1051), .DS, ["400"]),
            .text(Tag(0x0028, 0x1052), .DS, ["-1024"]),
            .text(Tag(0x0028, 0x1053), .DS, ["1"]),
        ]
        // A vendor's private block (0019,10xx) reserved by its creator (PS3.5 7.8.1).
        elements.append(.text(Tag(0x0019, 0x0010), .LO, ["SYNTHETIC VENDOR 1.0"]))
        for element in UInt16(0x00)..<0x28 {
            elements.append(.text(Tag(0x0019, 0x1000 | element), .LO, ["PRIVATE VALUE \(element)"]))
        }
        // Pixels as a gradient, so the value is not one repeated byte.
        let pixels = (0..<512 * 512).flatMap { littleEndian16(UInt16($0 % 4096)) }
        elements.append(DataElement(tag: .pixelData, vr: .OW, bytes: pixels))
        return DataSet(elements)
    }

    private static func manyAttributesDataSet() -> DataSet {
        var elements: [DataElement] = [
            .uid(Tag(0x0008, 0x0016), "1.2.840.10008.5.1.4.1.1.88.33"),
            .uid(Tag(0x0008, 0x0018), "2.25.2000001"),
            .text(Tag(0x0008, 0x0060), .CS, ["SR"]),
            .text(Tag(0x0010, 0x0010), .PN, ["DOE^JOHN"]),
            .text(Tag(0x0010, 0x0020), .LO, ["PID0000002"]),
            .uid(Tag(0x0020, 0x000D), "2.25.2000002"),
            .uid(Tag(0x0020, 0x000E), "2.25.2000003"),
        ]
        // Eight private blocks of 250 elements in group 0029: text, decimal and binary VRs.
        for block in UInt16(0x10)..<0x18 {
            elements.append(.text(Tag(0x0029, block), .LO, ["SYNTHETIC BLOCK \(block)"]))
            for element in UInt16(0)..<250 {
                let tag = Tag(0x0029, block << 8 | element)
                switch element % 3 {
                case 0: elements.append(.text(tag, .LO, ["VALUE \(block).\(element)"]))
                case 1: elements.append(.text(tag, .DS, ["\(element).5"]))
                default: elements.append(DataElement(tag: tag, vr: .US, bytes: littleEndian16(element)))
                }
            }
        }
        return DataSet(elements)
    }

    private static func encode(_ dataSet: DataSet) -> [UInt8] {
        let file = DICOMFile(meta: DataSet(), dataSet: dataSet, transferSyntax: .explicitVRLittleEndian)
        do {
            return try file.encoded()
        } catch {
            preconditionFailure("the synthetic object does not encode: \(error)")
        }
    }

    private static func littleEndian16(_ value: UInt16) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8(value >> 8)]
    }
}
