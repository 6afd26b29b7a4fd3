import DICOM

/// Why received bytes are not a DIMSE message: a command set that cannot be decoded
/// (offsets count from the command set's first byte), or PDVs that break the fragmentation
/// rules of PS3.8 Annex E.
///
/// None of these can be answered with a DIMSE status: the message they belong to cannot be
/// identified. The association layer answers them by aborting the association (A-ABORT,
/// PS3.8 9.3.8).
public enum DIMSEError: Error, Sendable, Hashable, CustomStringConvertible {
    // MARK: Decoding a command set (PS3.7 6.3.1)

    /// The bytes end inside an element's header or value.
    case truncated(at: Int, reading: String, expected: Int, available: Int)
    /// The bytes read as implicit VR give an impossible length, and its first two bytes are a VR:
    /// the command set was encoded in explicit VR, which PS3.7 6.3.1 does not allow.
    case explicitVR(at: Int, tag: Tag, vr: String)
    /// An element outside group 0000: PS3.7 6.3.1 allows only command elements.
    case elementOutsideCommandGroup(Tag, at: Int)
    /// An element whose tag is below the one before it (PS3.7 6.3.1: ordered by increasing tag).
    case elementOutOfOrder(Tag, at: Int, after: Tag)
    /// A tag that occurs twice (PS3.7 6.3.1: at most once).
    case duplicateElement(Tag, at: Int)
    /// A fixed-size element, (0000,0000) or (0000,0100), of the wrong length.
    case invalidValueLength(Tag, at: Int, length: UInt32, expected: Int)
    /// Command Group Length (0000,0000) disagrees with the bytes that follow it.
    case groupLengthMismatch(declared: UInt32, actual: Int)
    /// No Command Field (0000,0100), so the message cannot be identified.
    case missingCommandField

    // MARK: Reassembling P-DATA fragments (PS3.8 Annex E)

    /// A data set fragment with no command before it.
    case dataSetFragmentWithoutCommand(presentationContextID: UInt8)
    /// A data set fragment after a command whose Command Data Set Type (0000,0800) said 0101H, no data set.
    case dataSetAfterCommandWithoutDataSet(command: UInt16, presentationContextID: UInt8)
    /// A data set fragment before the last fragment of its command (PS3.7 6.3: a message is its
    /// command set followed by its data set).
    case dataSetFragmentBeforeCommandComplete(presentationContextID: UInt8)
    /// A command fragment while the previous message's data set is still expected: messages may
    /// not be interleaved (PS3.8 E.1).
    case commandFragmentDuringDataSet(presentationContextID: UInt8, expecting: UInt8)
    /// A fragment on another presentation context than the rest of its message (PS3.8 E.1).
    case presentationContextChanged(expected: UInt8, received: UInt8)
    /// A command set longer than the assembler keeps in memory.
    case commandTooLong(length: Int, maximum: Int)

    public var description: String {
        switch self {
        case let .truncated(offset, field, expected, available):
            "byte \(offset) of the command set: \(field) needs \(expected) bytes but only \(available) remain"
        case let .explicitVR(offset, tag, vr):
            "byte \(offset) of the command set: \(tag) is followed by \"\(vr)\", an explicit VR; command sets are implicit VR little endian (PS3.7 6.3.1)"
        case let .elementOutsideCommandGroup(tag, offset):
            "byte \(offset) of the command set: \(tag) is not a command element; a command set holds group 0000 only (PS3.7 6.3.1)"
        case let .elementOutOfOrder(tag, offset, previous):
            "byte \(offset) of the command set: \(tag) follows \(previous); command elements must be in increasing tag order (PS3.7 6.3.1)"
        case let .duplicateElement(tag, offset):
            "byte \(offset) of the command set: a second \(tag); a command element occurs at most once (PS3.7 6.3.1)"
        case let .invalidValueLength(tag, offset, length, expected):
            "byte \(offset) of the command set: \(tag) has value length \(length); \(expected) is required (PS3.7 Annex E)"
        case let .groupLengthMismatch(declared, actual):
            "Command Group Length (0000,0000) says \(declared) bytes follow it but \(actual) do (PS3.7 6.3.1)"
        case .missingCommandField:
            "the command set has no Command Field (0000,0100), so the operation cannot be identified (PS3.7 Annex E)"
        case let .dataSetFragmentWithoutCommand(id):
            "a data set fragment on presentation context \(id) arrived with no command before it; each message starts with its command set (PS3.7 6.3)"
        case let .dataSetAfterCommandWithoutDataSet(command, id):
            "a data set fragment on presentation context \(id) followed a \(CommandField.describe(command)) whose Command Data Set Type is 0101H, no data set (PS3.7 Annex E)"
        case let .dataSetFragmentBeforeCommandComplete(id):
            "a data set fragment on presentation context \(id) arrived before the last fragment of its command; the command set comes first (PS3.7 6.3)"
        case let .commandFragmentDuringDataSet(id, expecting):
            "a command fragment on presentation context \(id) arrived while the data set of the message on context \(expecting) was still expected; messages may not be interleaved (PS3.8 E.1)"
        case let .presentationContextChanged(expected, received):
            "a fragment arrived on presentation context \(received) in the middle of a message on context \(expected); every fragment of a message uses the same context (PS3.8 E.1)"
        case let .commandTooLong(length, maximum):
            "the command set reached \(length) bytes, more than the \(maximum) accepted; a command set is a few hundred bytes, so the peer is broken or hostile"
        }
    }
}
