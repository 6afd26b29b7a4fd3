#if canImport(Glibc)
import Glibc
#endif
import DICOM
import FuzzerDriver
import Imaging

/// One compressed image through the codecs Rampart decodes (its own RLE and JPEG Lossless, and
/// CharLS and OpenJPEG behind their wrappers), as the transcoder meets it on a retrieve or a
/// rendering. The input is a small header that chooses the syntax and the frame's layout, then
/// the compressed frame (Scripts/fuzz-seeds.py writes real ones in this form):
///
///   byte 0     syntax: index into `syntaxes` (a syntax Rampart cannot decode is refused early)
///   bytes 1-2  rows - 1, bytes 3-4 columns - 1 (little endian, below 512: a frame of at most
///              1.5 MiB, so that each input decodes in milliseconds)
///   byte 5     bit 0: 16 bits allocated (else 8); bit 1: 3 samples (else 1); bit 2: signed;
///              bit 3: YBR_FULL_422 (with 3 samples; else RGB)
///   byte 6     bits stored - 1 (at most the bits allocated)
///   rest       the frame, as one fragment
let syntaxes = ["1.2.840.10008.1.2.5", "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.80",
                "1.2.840.10008.1.2.4.81", "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.4.201",
                "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203", "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51"]
    .map { TransferSyntax(uid: $0) }

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzCodecs(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    guard bytes.count > 7 else { return 0 }
    let syntax = syntaxes[Int(bytes[0]) % syntaxes.count]
    let rows = (UInt16(bytes[1]) | UInt16(bytes[2]) << 8) % 512 + 1
    let columns = (UInt16(bytes[3]) | UInt16(bytes[4]) << 8) % 512 + 1
    let flags = bytes[5]
    let bitsAllocated: UInt16 = flags & 1 != 0 ? 16 : 8
    let samples: UInt16 = flags & 2 != 0 ? 3 : 1
    let bitsStored = min(UInt16(bytes[6]) + 1, bitsAllocated)
    let photometric = samples == 1 ? "MONOCHROME2" : flags & 8 != 0 ? "YBR_FULL_422" : "RGB"
    let dataSet = DataSet([
        unsignedShort(0x0002, samples),
        text(0x0004, photometric),
        unsignedShort(0x0010, rows),
        unsignedShort(0x0011, columns),
        unsignedShort(0x0100, bitsAllocated),
        unsignedShort(0x0101, bitsStored),
        unsignedShort(0x0102, bitsStored - 1),
        unsignedShort(0x0103, flags & 4 != 0 ? 1 : 0),
        DataElement(tag: Tag(0x7FE0, 0x0010), vr: .OB,
                    value: .encapsulated(EncapsulatedPixelData(fragments: [.inline(Array(bytes[7...]))]))),
    ])
    _ = try? Transcoder().transcode(dataSet, from: syntax, to: .explicitVRLittleEndian)
    return 0
}

private func unsignedShort(_ element: UInt16, _ value: UInt16) -> DataElement {
    DataElement(tag: Tag(0x0028, element), vr: .US, bytes: [UInt8(value & 0xFF), UInt8(value >> 8)])
}

private func text(_ element: UInt16, _ value: String) -> DataElement {
    var bytes = Array(value.utf8)
    if bytes.count % 2 == 1 { bytes.append(0x20) }
    return DataElement(tag: Tag(0x0028, element), vr: .CS, bytes: bytes)
}

var arguments = CommandLine.argc
var values: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&arguments, &values, fuzzCodecs))
