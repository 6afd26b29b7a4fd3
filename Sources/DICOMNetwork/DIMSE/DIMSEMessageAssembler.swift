import NIOCore

/// Reassembles the PDVs of P-DATA-TF PDUs into DIMSE messages (PS3.8 Annex E).
///
/// A message is its command fragments, the last one flagged, then, if the command's Command
/// Data Set Type says so, its data set fragments, the last one flagged, all on one presentation
/// context, with no other message's fragments in between (PS3.8 E.1, E.2).
///
/// The command is collected in memory (at most `maximumCommandLength` bytes) and handed out
/// decoded. Data set fragments are handed out as they come, so the caller can stream a large
/// data set to disk; the caller knows it is complete at the fragment flagged last.
///
/// The machine is pure: it takes PDUs and returns outputs. After an error it stays failed and
/// throws the same error again, because the association must be aborted.
///
/// Lenient where PS3.8 is strict but nothing is at stake: PDVs of consecutive messages in one
/// PDU, and odd-length fragments (PS3.8 E.1), are accepted, as DCMTK and pynetdicom do.
public struct DIMSEMessageAssembler: Sendable {
    public enum Output: Sendable, Hashable {
        /// A complete command. If `command.hasDataSet`, `dataSetFragment` outputs follow.
        case command(DIMSECommand, presentationContextID: UInt8)
        /// The next fragment of the current message's data set.
        case dataSetFragment(ByteBuffer, presentationContextID: UInt8, isLast: Bool)
    }

    /// A command set is a few hundred bytes; 64 KiB leaves room for long error comments and
    /// offending element lists while keeping a hostile peer from filling memory.
    public static let maximumCommandLength = 64 * 1024

    private enum State: Sendable {
        /// Between messages. `previousCommandWithoutDataSet` is the command field of the message
        /// just completed if it announced no data set, so a stray data fragment can be named.
        case awaitingCommand(previousCommandWithoutDataSet: UInt16?)
        case receivingCommand(presentationContextID: UInt8, bytes: ByteBuffer)
        case receivingDataSet(presentationContextID: UInt8)
        case failed(DIMSEError)
    }

    private var state: State = .awaitingCommand(previousCommandWithoutDataSet: nil)

    public init() {}

    /// True between messages: no fragment of a message is outstanding. A peer that releases the
    /// association when this is false has cut a message short.
    public var isBetweenMessages: Bool {
        switch state {
        case .awaitingCommand: true
        case .receivingCommand, .receivingDataSet, .failed: false
        }
    }

    /// The outputs of the PDU's PDVs, in order. Throws on the first PDV that breaks PS3.8
    /// Annex E or whose completed command cannot be decoded (see `DIMSECommand.init(decoding:)`);
    /// outputs of earlier PDVs in the same PDU are then dropped with the association.
    public mutating func received(_ pdu: PDataTF) throws(DIMSEError) -> [Output] {
        var outputs: [Output] = []
        outputs.reserveCapacity(pdu.values.count)
        for value in pdu.values {
            do {
                if let output = try receive(value) { outputs.append(output) }
            } catch {
                state = .failed(error)
                throw error
            }
        }
        return outputs
    }

    private mutating func receive(_ pdv: PresentationDataValue) throws(DIMSEError) -> Output? {
        let id = pdv.presentationContextID
        switch (state, pdv.isCommand) {
        case (.failed(let error), _):
            throw error

        case (.awaitingCommand, true):
            return try collectCommand(pdv, into: ByteBuffer(), presentationContextID: id)

        case (.awaitingCommand(let previous?), false):
            throw .dataSetAfterCommandWithoutDataSet(command: previous, presentationContextID: id)

        case (.awaitingCommand(nil), false):
            throw .dataSetFragmentWithoutCommand(presentationContextID: id)

        case (.receivingCommand(let expected, let bytes), true):
            guard id == expected else { throw .presentationContextChanged(expected: expected, received: id) }
            // Release the state's reference so appending does not copy the buffer.
            state = .awaitingCommand(previousCommandWithoutDataSet: nil)
            return try collectCommand(pdv, into: bytes, presentationContextID: id)

        case (.receivingCommand(let expected, _), false):
            guard id == expected else { throw .presentationContextChanged(expected: expected, received: id) }
            throw .dataSetFragmentBeforeCommandComplete(presentationContextID: id)

        case (.receivingDataSet(let expected), false):
            guard id == expected else { throw .presentationContextChanged(expected: expected, received: id) }
            if pdv.isLastFragment { state = .awaitingCommand(previousCommandWithoutDataSet: nil) }
            return .dataSetFragment(pdv.data, presentationContextID: id, isLast: pdv.isLastFragment)

        case (.receivingDataSet(let expected), true):
            throw .commandFragmentDuringDataSet(presentationContextID: id, expecting: expected)
        }
    }

    /// Appends a command fragment; on the last one, decodes the command and moves on to its data
    /// set or to the next message.
    private mutating func collectCommand(_ pdv: PresentationDataValue, into bytes: ByteBuffer,
                                         presentationContextID id: UInt8) throws(DIMSEError) -> Output? {
        var bytes = bytes
        let length = bytes.readableBytes + pdv.data.readableBytes
        guard length <= Self.maximumCommandLength else {
            throw .commandTooLong(length: length, maximum: Self.maximumCommandLength)
        }
        var fragment = pdv.data
        bytes.writeBuffer(&fragment)
        guard pdv.isLastFragment else {
            state = .receivingCommand(presentationContextID: id, bytes: bytes)
            return nil
        }
        let command = try DIMSECommand(decoding: bytes)
        if command.hasDataSet {
            state = .receivingDataSet(presentationContextID: id)
        } else {
            state = .awaitingCommand(previousCommandWithoutDataSet: command.commandFieldValue)
        }
        return .command(command, presentationContextID: id)
    }
}
