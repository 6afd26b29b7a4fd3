#if canImport(Glibc)
import Glibc
#endif
import DICOM
import FuzzerDriver

/// A DICOM JSON document (PS3.18 F.2), as STOW-RS receives it: read, and each data set read
/// written out again as a Part 10 data set.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzDICOMJSON(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    guard let dataSets = try? DICOMJSONReader().readAll(bytes) else { return 0 }
    for dataSet in dataSets {
        var sink = ByteArraySink()
        try? dataSet.encode(in: .explicitVRLittleEndian, into: &sink)
    }
    return 0
}

var arguments = CommandLine.argc
var values: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&arguments, &values, fuzzDICOMJSON))
