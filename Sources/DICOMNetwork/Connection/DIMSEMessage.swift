import DICOM
import NIOCore

/// A complete DIMSE message as received: its command, the presentation context it came on, and
/// its data set, if it had one.
public struct DIMSEMessage: Sendable {
    public var command: DIMSECommand
    public var context: AcceptedPresentationContext
    public var dataSet: ReceivedDataSet?

    public init(command: DIMSECommand, context: AcceptedPresentationContext, dataSet: ReceivedDataSet?) {
        self.command = command
        self.context = context
        self.dataSet = dataSet
    }

    /// The data set decoded in the context's transfer syntax; nil when the message has none.
    public func decodedDataSet() throws -> DataSet? {
        try dataSet?.decode()
    }
}

/// A received data set: small ones in memory, a C-STORE's in a spooled Part 10 file, so a
/// 2 GB instance is never held in memory.
public enum ReceivedDataSet: Sendable {
    /// The data set bytes, in `transferSyntax`.
    case memory(ByteBuffer, transferSyntax: TransferSyntax)
    /// A complete Part 10 file (meta group built from the command and the context).
    case file(SpooledFile)

    public func decode() throws -> DataSet {
        switch self {
        case let .memory(bytes, syntax):
            return try DataSet(decoding: Array(buffer: bytes), transferSyntax: syntax)
        case let .file(spooled):
            return try DICOMFile(contentsOf: spooled.path).dataSet
        }
    }
}

/// A data set to send after a command, already in the presentation context's transfer syntax.
public enum OutgoingDataSet: Sendable {
    case bytes(ByteBuffer)
    /// `length` bytes of a file from `offset`: a Part 10 file's data set, sent as stored.
    case file(path: String, offset: Int, length: Int)
}
