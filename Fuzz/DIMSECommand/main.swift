#if canImport(Glibc)
import Glibc
#endif
import DICOMNetwork
import FuzzerDriver
import NIOCore

/// A DIMSE command set (PS3.7 6.3.1) as the message assembler completes it: decoded, every
/// accessor the services read, its log description, and encoded again.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzDIMSECommand(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = ByteBuffer(bytes: UnsafeBufferPointer(start: data, count: data == nil ? 0 : count))
    guard let command = try? DIMSECommand(decoding: bytes) else { return 0 }
    _ = (command.commandField, command.messageID, command.messageIDBeingRespondedTo, command.priority, command.hasDataSet)
    _ = (command.affectedSOPClassUID, command.requestedSOPClassUID, command.affectedSOPInstanceUID, command.requestedSOPInstanceUID)
    _ = (command.status, command.moveDestination, command.moveOriginatorAETitle, command.moveOriginatorMessageID)
    _ = (command.errorComment, command.errorID, command.offendingElements, command.actionTypeID, command.eventTypeID)
    _ = (command.remainingSubOperations, command.completedSubOperations, command.failedSubOperations, command.warningSubOperations)
    _ = command.description
    _ = try? DIMSECommand(decoding: command.encoded())
    return 0
}

var arguments = CommandLine.argc
var values: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&arguments, &values, fuzzDIMSECommand))
