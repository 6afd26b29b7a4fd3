import DICOM
import NIOCore

/// One DIMSE command set (PS3.7 6.3.1): the group 0000 elements that say what a message asks or
/// answers, with typed accessors over them.
///
/// The accessors are lenient: an element that is absent, or whose VR or length is not what
/// PS3.7 Annex E gives it, reads as nil, so the caller can answer with a status rather than
/// drop the association. The decoder, `init(decoding:)`, is strict about structure.
public struct DIMSECommand: Sendable, Hashable {
    /// The command elements, without Command Group Length (0000,0000), which `encoded()`
    /// computes. Only group 0000 elements with values held in memory belong here: others
    /// (another group, a sequence, a value left in a file) cannot be part of a command set and
    /// are not encoded.
    public var dataSet: DataSet

    public init(_ dataSet: DataSet) {
        var dataSet = dataSet
        dataSet.remove(.commandGroupLength)
        self.dataSet = dataSet
    }

    /// Command Data Set Type (0000,0800) value meaning "no data set" (PS3.7 Annex E).
    public static let noDataSet: UInt16 = 0x0101
    /// The value written when a data set follows. Any value but 0101H means one does; 0001H is
    /// what pynetdicom and most implementations send.
    public static let dataSetPresent: UInt16 = 0x0001

    // MARK: Typed accessors

    /// Nil when absent or when the value is not one of PS3.7 Annex E's command fields.
    public var commandField: CommandField? { uint16(.commandField).flatMap(CommandField.init(rawValue:)) }
    /// The raw Command Field, for reporting one that `commandField` does not know.
    public var commandFieldValue: UInt16? { uint16(.commandField) }
    public var messageID: UInt16? { uint16(.messageID) }
    public var messageIDBeingRespondedTo: UInt16? { uint16(.messageIDBeingRespondedTo) }
    public var affectedSOPClassUID: String? { uid(.affectedSOPClassUID) }
    public var requestedSOPClassUID: String? { uid(.requestedSOPClassUID) }
    public var affectedSOPInstanceUID: String? { uid(.affectedSOPInstanceUID) }
    public var requestedSOPInstanceUID: String? { uid(.requestedSOPInstanceUID) }
    public var priority: Priority? { uint16(.priority).flatMap(Priority.init(rawValue:)) }
    /// Command Data Set Type (0000,0800) is anything but 0101H (PS3.7 Annex E). A command set
    /// without the element announces no data set.
    public var hasDataSet: Bool {
        guard let type = uint16(.commandDataSetType) else { return false }
        return type != Self.noDataSet
    }
    public var status: DIMSEStatus? { uint16(.status).map(DIMSEStatus.init(rawValue:)) }
    public var moveDestination: AETitle? { aeTitle(.moveDestination) }
    public var moveOriginatorAETitle: AETitle? { aeTitle(.moveOriginatorApplicationEntityTitle) }
    public var moveOriginatorMessageID: UInt16? { uint16(.moveOriginatorMessageID) }
    public var errorComment: String? {
        guard let element = dataSet[.errorComment], element.vr == .LO else { return nil }
        return element.string
    }
    public var errorID: UInt16? { uint16(.errorID) }
    /// Offending Element (0000,0901), AT, 1-n; empty when absent or malformed.
    public var offendingElements: [Tag] {
        guard let element = dataSet[.offendingElement], element.vr == .AT,
              let bytes = element.inlineBytes, bytes.count % 4 == 0 else { return [] }
        return element.tags
    }
    public var remainingSubOperations: UInt16? { uint16(.numberOfRemainingSuboperations) }
    public var completedSubOperations: UInt16? { uint16(.numberOfCompletedSuboperations) }
    public var failedSubOperations: UInt16? { uint16(.numberOfFailedSuboperations) }
    public var warningSubOperations: UInt16? { uint16(.numberOfWarningSuboperations) }
    public var actionTypeID: UInt16? { uint16(.actionTypeID) }
    public var eventTypeID: UInt16? { uint16(.eventTypeID) }

    private func uint16(_ tag: Tag) -> UInt16? {
        guard let element = dataSet[tag], element.vr == .US,
              let bytes = element.inlineBytes, bytes.count == 2 else { return nil }
        return UInt16(bytes[0]) | UInt16(bytes[1]) << 8
    }

    private func uid(_ tag: Tag) -> String? {
        guard let element = dataSet[tag], element.vr == .UI else { return nil }
        return element.string
    }

    private func aeTitle(_ tag: Tag) -> AETitle? {
        guard let element = dataSet[tag], element.vr == .AE, let bytes = element.inlineBytes else { return nil }
        return try? AETitle(field: bytes)
    }

    // MARK: Hashable

    /// `DataSet` is only Equatable; hash what equality compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(dataSet.count)
        for element in dataSet {
            hasher.combine(element.tag)
            hasher.combine(element.vr)
            if let bytes = element.inlineBytes { hasher.combine(bytes) }
        }
    }

    // MARK: Encoding (PS3.7 6.3.1)

    /// The command set as implicit VR little endian, Command Group Length (0000,0000) first, then
    /// the elements in tag order (PS3.7 6.3.1). Odd values are padded to even length with the
    /// VR's padding byte (PS3.5 6.2): NUL for UI, space for AE and LO.
    public func encoded() -> ByteBuffer {
        var body = ByteBuffer()
        body.reserveCapacity(256)
        for element in dataSet where element.tag.group == 0x0000 && element.tag != .commandGroupLength {
            guard let value = element.inlineBytes else { continue }
            let padding = value.count % 2
            body.writeInteger(element.tag.group, endianness: .little)
            body.writeInteger(element.tag.element, endianness: .little)
            body.writeInteger(UInt32(clamping: value.count + padding), endianness: .little)
            body.writeBytes(value)
            if padding == 1 { body.writeInteger(element.vr.paddingByte) }
        }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(12 + body.readableBytes)
        buffer.writeInteger(Tag.commandGroupLength.group, endianness: .little)
        buffer.writeInteger(Tag.commandGroupLength.element, endianness: .little)
        buffer.writeInteger(UInt32(4), endianness: .little)
        buffer.writeInteger(UInt32(clamping: body.readableBytes), endianness: .little)
        buffer.writeBuffer(&body)
        return buffer
    }

    // MARK: Decoding (PS3.7 6.3.1)

    /// Decodes a complete command set: implicit VR little endian, group 0000 only, elements in
    /// increasing tag order and each at most once, Command Group Length (if present) equal to the
    /// bytes after it, and a two-byte Command Field (0000,0100) (PS3.7 6.3.1, Annex E).
    ///
    /// Values are not checked against the message's requirements: the accessors read them
    /// leniently, and an unknown Command Field is kept so the caller can refuse it.
    public init(decoding bytes: ByteBuffer) throws(DIMSEError) {
        var reader = bytes
        let total = reader.readableBytes
        var dataSet = DataSet()
        var previous: Tag?
        while reader.readableBytes > 0 {
            let offset = total - reader.readableBytes
            guard reader.readableBytes >= 8,
                  let group = reader.readInteger(endianness: .little, as: UInt16.self),
                  let elementNumber = reader.readInteger(endianness: .little, as: UInt16.self),
                  let length = reader.readInteger(endianness: .little, as: UInt32.self)
            else {
                throw .truncated(at: offset, reading: "an element's tag and length", expected: 8, available: total - offset)
            }
            let tag = Tag(group, elementNumber)
            guard group == 0x0000 else { throw .elementOutsideCommandGroup(tag, at: offset) }
            if let previous {
                if tag == previous { throw .duplicateElement(tag, at: offset) }
                if tag < previous { throw .elementOutOfOrder(tag, at: offset, after: previous) }
            }
            previous = tag
            let available = reader.readableBytes
            guard UInt64(length) <= UInt64(available) else {
                // An explicit VR element read as implicit has its VR in the low half of the length.
                let b0 = UInt8(truncatingIfNeeded: length), b1 = UInt8(truncatingIfNeeded: length >> 8)
                if let vr = VR(bytes: b0, b1) {
                    throw .explicitVR(at: offset, tag: tag, vr: vr.rawValue)
                }
                throw .truncated(at: offset + 8, reading: "the value of \(tag)", expected: Int(length), available: available)
            }
            guard let value = reader.readBytes(length: Int(length)) else {
                throw .truncated(at: offset + 8, reading: "the value of \(tag)", expected: Int(length), available: available)
            }
            if tag == .commandGroupLength {
                guard value.count == 4 else { throw .invalidValueLength(tag, at: offset, length: length, expected: 4) }
                let declared = UInt32(value[0]) | UInt32(value[1]) << 8 | UInt32(value[2]) << 16 | UInt32(value[3]) << 24
                guard UInt64(declared) == UInt64(reader.readableBytes) else {
                    throw .groupLengthMismatch(declared: declared, actual: reader.readableBytes)
                }
                continue
            }
            if tag == .commandField, value.count != 2 {
                throw .invalidValueLength(tag, at: offset, length: length, expected: 2)
            }
            dataSet.insert(DataElement(tag: tag, vr: Tag.commandElementVR(tag), bytes: value))
        }
        guard dataSet.contains(.commandField) else { throw .missingCommandField }
        self.dataSet = dataSet
    }
}

extension DIMSECommand: CustomStringConvertible {
    /// "C-STORE-RQ id 7 1.2.840.10008.5.1.4.1.1.2 with data set", for logs. Only the operation,
    /// IDs, SOP class and status are shown: instance UIDs and error comments may identify a
    /// patient's study and stay out of logs.
    public var description: String {
        var parts = [commandFieldValue.map(CommandField.describe) ?? "command without Command Field"]
        if let messageID { parts.append("id \(messageID)") }
        if let messageIDBeingRespondedTo { parts.append("answering \(messageIDBeingRespondedTo)") }
        if let uid = affectedSOPClassUID ?? requestedSOPClassUID { parts.append(uid) }
        if let status { parts.append("status \(status)") }
        if hasDataSet { parts.append("with data set") }
        return parts.joined(separator: " ")
    }
}
