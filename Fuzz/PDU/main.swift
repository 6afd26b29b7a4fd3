#if canImport(Glibc)
import Glibc
#endif
import DICOMNetwork
import FuzzerDriver
import NIOCore

/// Bytes off the wire of an association: PDUs decoded one after another as the channel handler
/// does, each written out again, and the P-DATA-TF PDVs fed to the DIMSE message assembler, which
/// decodes the command sets they complete. Errors are the expected outcome; a crash or a
/// sanitizer report is not.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzPDU(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    var buffer = ByteBuffer(bytes: UnsafeBufferPointer(start: data, count: data == nil ? 0 : count))
    // A small limit, as a peer's negotiated maximum would be, so the length checks are reached.
    let decoder = PDUDecoder(maximumPDULength: 64 * 1024)
    var assembler = DIMSEMessageAssembler()
    while let pdu = try? decoder.decodePDU(from: &buffer) {
        _ = try? PDUEncoder().encode(pdu)
        if case .dataTF(let values) = pdu {
            _ = try? assembler.received(values)
        }
    }
    return 0
}

var arguments = CommandLine.argc
var values: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&arguments, &values, fuzzPDU))
