import DICOM
import DICOMNetwork
import NIOCore
import Testing

private typealias Tag = DICOM.Tag

/// Broken and hostile command sets must end in a typed `DIMSEError`, never a trap.
@Suite("Hostile input to the DIMSE command decoder")
struct DIMSEHostileInputTests {
    static let echo = DIMSECommandTests.bytes(.echoRequest(messageID: 1))

    static func decode(_ bytes: [UInt8]) throws(DIMSEError) -> DIMSECommand {
        try DIMSECommand(decoding: ByteBuffer(bytes: bytes))
    }

    @Test func everyTruncationThrows() {
        for count in 0..<Self.echo.count {
            #expect(throws: DIMSEError.self, "prefix of \(count) bytes") { try Self.decode(Array(Self.echo.prefix(count))) }
        }
    }

    @Test func truncationsNameTheRule() {
        #expect(throws: DIMSEError.missingCommandField) { try Self.decode([]) }
        #expect(throws: DIMSEError.truncated(at: 0, reading: "an element's tag and length", expected: 8, available: 5)) {
            try Self.decode(Array(Self.echo.prefix(5)))
        }
        #expect(throws: DIMSEError.truncated(at: 8, reading: "the value of (0000,0000)", expected: 4, available: 2)) {
            try Self.decode(Array(Self.echo.prefix(10)))
        }
        #expect(throws: DIMSEError.groupLengthMismatch(declared: 56, actual: 20)) {
            try Self.decode(Array(Self.echo.prefix(32)))
        }
        // Without the group length, the cut inside the UID value is reported as such.
        let withoutGroupLength = Array(Self.echo.dropFirst(12))
        #expect(throws: DIMSEError.truncated(at: 8, reading: "the value of (0000,0002)", expected: 18, available: 10)) {
            try Self.decode(Array(withoutGroupLength.prefix(18)))
        }
    }

    @Test func explicitVRIsRecognised() throws {
        let command = DIMSECommand.echoRequest(messageID: 1)
        var elements = command.dataSet
        elements.insert(DataElement(tag: .commandGroupLength, vr: .UL, bytes: [56, 0, 0, 0]))
        let explicit = try DataSetEncoder(explicitVR: true).encode(elements)
        #expect(throws: DIMSEError.explicitVR(at: 0, tag: .commandGroupLength, vr: "UL")) { try Self.decode(explicit) }
        let withoutGroupLength = try DataSetEncoder(explicitVR: true).encode(command.dataSet)
        #expect(throws: DIMSEError.explicitVR(at: 0, tag: .affectedSOPClassUID, vr: "UI")) { try Self.decode(withoutGroupLength) }
    }

    @Test func implicitVRFromTheDICOMEncoderIsAccepted() throws {
        let command = DIMSECommand.storeRequest(messageID: 3, sopClassUID: "1.2.3", sopInstanceUID: "1.2.3.4")
        let implicit = try DataSetEncoder(explicitVR: false).encode(command.dataSet)
        #expect(try Self.decode(implicit) == command)
    }

    @Test func dataElementsOutsideGroup0000AreRefused() {
        let bytes = Self.echo + DIMSECommandTests.element(0x0008, 0x0016, Fixtures.ascii("1.2."))
        var fixed = bytes
        fixed[8] = UInt8(56 + 12)
        #expect(throws: DIMSEError.elementOutsideCommandGroup(Tag(0x0008, 0x0016), at: 68)) { try Self.decode(fixed) }
        // A data set sent where a command belongs.
        let dataSet = DIMSECommandTests.element(0x0008, 0x0018, Fixtures.ascii("1.2."))
        #expect(throws: DIMSEError.elementOutsideCommandGroup(Tag(0x0008, 0x0018), at: 0)) { try Self.decode(dataSet) }
    }

    @Test func missingCommandFieldIsRefused() {
        let bytes = DIMSECommandTests.commandSet(
            DIMSECommandTests.element(0, 0x0110, [1, 0]),
            DIMSECommandTests.element(0, 0x0800, [1, 1])
        )
        #expect(throws: DIMSEError.missingCommandField) { try Self.decode(bytes) }
    }

    @Test func commandFieldOfTheWrongLengthIsRefused() {
        let bytes = DIMSECommandTests.commandSet(DIMSECommandTests.element(0, 0x0100, [0x30, 0, 0, 0]))
        #expect(throws: DIMSEError.invalidValueLength(.commandField, at: 12, length: 4, expected: 2)) { try Self.decode(bytes) }
    }

    @Test func groupLengthOfTheWrongSizeOrValueIsRefused() {
        let short = DIMSECommandTests.element(0, 0, [4, 0]) + DIMSECommandTests.element(0, 0x0100, [0x30, 0])
        #expect(throws: DIMSEError.invalidValueLength(.commandGroupLength, at: 0, length: 2, expected: 4)) { try Self.decode(short) }
        var wrong = Self.echo
        wrong[8] = 54
        #expect(throws: DIMSEError.groupLengthMismatch(declared: 54, actual: 56)) { try Self.decode(wrong) }
        let trailing = Self.echo + [0, 0]
        #expect(throws: DIMSEError.groupLengthMismatch(declared: 56, actual: 58)) { try Self.decode(trailing) }
    }

    @Test func elementsOutOfOrderOrRepeatedAreRefused() {
        let swapped = DIMSECommandTests.element(0, 0x0110, [1, 0]) + DIMSECommandTests.element(0, 0x0100, [0x30, 0])
        #expect(throws: DIMSEError.elementOutOfOrder(.commandField, at: 10, after: .messageID)) { try Self.decode(swapped) }
        let twice = DIMSECommandTests.element(0, 0x0100, [0x30, 0]) + DIMSECommandTests.element(0, 0x0100, [0x01, 0])
        #expect(throws: DIMSEError.duplicateElement(.commandField, at: 10)) { try Self.decode(twice) }
    }

    @Test func hugeAndUndefinedLengthsAreTruncationsNotAllocations() {
        for length: UInt32 in [0xFFFF_FFFF, 0x7FFF_FFFF, 0x0001_0000] {
            let bytes = DIMSECommandTests.le16(0) + DIMSECommandTests.le16(0x0100) + DIMSECommandTests.le32(length) + [0x30, 0]
            #expect(throws: DIMSEError.self) { try Self.decode(bytes) }
        }
    }

    @Test func errorsExplainThemselves() {
        let errors: [DIMSEError] = [
            .truncated(at: 1, reading: "x", expected: 2, available: 1),
            .explicitVR(at: 0, tag: .commandGroupLength, vr: "UL"),
            .elementOutsideCommandGroup(Tag(8, 0x16), at: 4),
            .elementOutOfOrder(.commandField, at: 1, after: .messageID),
            .duplicateElement(.commandField, at: 1),
            .invalidValueLength(.commandField, at: 1, length: 4, expected: 2),
            .groupLengthMismatch(declared: 1, actual: 2),
            .missingCommandField,
            .dataSetFragmentWithoutCommand(presentationContextID: 1),
            .dataSetAfterCommandWithoutDataSet(command: 0x0030, presentationContextID: 1),
            .dataSetFragmentBeforeCommandComplete(presentationContextID: 1),
            .commandFragmentDuringDataSet(presentationContextID: 3, expecting: 1),
            .presentationContextChanged(expected: 1, received: 3),
            .commandTooLong(length: 70_000, maximum: 65_536),
        ]
        for error in errors {
            #expect(error.description.count > 30, "\(error)")
        }
        #expect(DIMSEError.dataSetAfterCommandWithoutDataSet(command: 0x0030, presentationContextID: 1).description.contains("C-ECHO-RQ"))
        #expect(DIMSEError.explicitVR(at: 0, tag: .commandGroupLength, vr: "UL").description.contains("PS3.7 6.3.1"))
    }

    /// 2,000 seeded corruptions of real command sets: each decodes or throws `DIMSEError`, and
    /// whatever decodes can be read, encoded and decoded again.
    @Test func seededMutationsNeverTrap() throws {
        let samples = DIMSECommandTests.everyConstructor.map { DIMSECommandTests.bytes($0.1) }
        var random = SplitMix64(seed: 0xD1_45E5)
        var decodedCount = 0
        for round in 0..<2_000 {
            var bytes = samples[Int(random.next() % UInt64(samples.count))]
            switch random.next() % 5 {
            case 0:     // flip a few bytes
                for _ in 0..<(1 + random.next() % 4) {
                    bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
                }
            case 1:     // cut anywhere
                bytes = Array(bytes.prefix(Int(random.next() % UInt64(bytes.count))))
            case 2:     // insert junk
                let at = Int(random.next() % UInt64(bytes.count + 1))
                bytes.insert(contentsOf: (0..<(1 + random.next() % 8)).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: at)
            case 3:     // corrupt the length field of the group length or of a later element
                let at = [4, 16, 28][Int(random.next() % 3)]
                if at + 4 <= bytes.count {
                    for i in 0..<4 { bytes[at + i] = UInt8(truncatingIfNeeded: random.next()) }
                }
            default:    // drop the group length and flip one byte
                bytes = Array(bytes.dropFirst(12))
                if !bytes.isEmpty { bytes[Int(random.next() % UInt64(bytes.count))] ^= 0xFF }
            }
            let command: DIMSECommand
            do {
                command = try Self.decode(bytes)
            } catch {
                #expect(!error.description.isEmpty)
                continue
            }
            decodedCount += 1
            _ = (command.commandField, command.messageID, command.status, command.priority, command.moveDestination,
                 command.offendingElements, command.errorComment, command.affectedSOPInstanceUID, command.description,
                 command.hasDataSet, command.remainingSubOperations, command.hashValue)
            // Whatever was accepted re-encodes into a valid command set, stable from then on.
            let again = try DIMSECommand(decoding: command.encoded())
            #expect(try DIMSECommand(decoding: again.encoded()) == again, "round \(round)")
        }
        #expect(decodedCount > 0)
    }

    @Test func randomBytesNeverTrap() {
        var random = SplitMix64(seed: 7)
        for _ in 0..<2_000 {
            let count = Int(random.next() % 96)
            var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            // Keep most tags in group 0000 so decoding gets past the first element.
            if bytes.count >= 4, random.next() % 4 != 0 { bytes[0] = 0; bytes[1] = 0 }
            do {
                _ = try Self.decode(bytes)
            } catch {
                #expect(!error.description.isEmpty)
            }
        }
    }
}
