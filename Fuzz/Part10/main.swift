#if canImport(Glibc)
import Glibc
#endif
import DICOM
import FuzzerDriver

/// A Part 10 file: parsed, and what parses written out again, as an ingest and a re-encoding
/// for a retrieve would. Errors are the expected outcome; a crash or a sanitizer report is not.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzPart10(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    guard let file = try? DICOMFile(bytes: bytes) else { return 0 }
    _ = try? file.encoded()
    return 0
}

var arguments = CommandLine.argc
var values: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&arguments, &values, fuzzPart10))
