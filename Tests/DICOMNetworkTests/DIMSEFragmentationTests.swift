import DICOMNetwork
import NIOCore
import Testing

/// P-DATA-TF fragmentation and reassembly of DIMSE messages (PS3.8 Annex E, D.1).
@Suite("DIMSE messages in P-DATA-TF PDUs: fragmenter and assembler")
struct DIMSEFragmentationTests {
    static func pattern(_ count: Int) -> ByteBuffer {
        ByteBuffer(bytes: (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) })
    }

    static func pdv(_ bytes: [UInt8], id: UInt8 = 1, command: Bool, last: Bool) -> PresentationDataValue {
        PresentationDataValue(presentationContextID: id, isCommand: command, isLastFragment: last, data: ByteBuffer(bytes: bytes))
    }

    static func pdu(_ values: PresentationDataValue...) -> PDataTF { PDataTF(values: values) }

    static let echo = DIMSECommand.echoRequest(messageID: 1)
    static let echoBytes = DIMSECommandTests.bytes(echo)
    static let store = DIMSECommand.storeRequest(messageID: 2, sopClassUID: "1.2.840.10008.5.1.4.1.1.2", sopInstanceUID: "1.2.3")
    static let storeBytes = DIMSECommandTests.bytes(store)

    // MARK: Fragmenter

    @Test func maximumLength16384GivesFragmentsOf16378() throws {
        let fragmenter = PDVFragmenter(peerMaximumLength: 16384)
        #expect(fragmenter.maximumFragmentSize == 16378)
        let pdus = fragmenter.pdus(for: Self.pattern(40_000), presentationContextID: 3, isCommand: false)
        #expect(pdus.map { $0.values.count } == [1, 1, 1])
        #expect(pdus.map { $0.values[0].data.readableBytes } == [16378, 16378, 7244])
        #expect(pdus.map { $0.values[0].isLastFragment } == [false, false, true])
        #expect(pdus.allSatisfy { !$0.values[0].isCommand && $0.values[0].presentationContextID == 3 })
        // The P-DATA-TF variable field, the PDU less its 6-byte header, is exactly the peer's maximum.
        let encoded = try PDUEncoder().encode(.dataTF(pdus[0]))
        #expect(encoded.readableBytes - 6 == 16384)
        var joined = ByteBuffer()
        for pdu in pdus { var data = pdu.values[0].data; joined.writeBuffer(&data) }
        #expect(joined == Self.pattern(40_000))
    }

    @Test func fragmentBoundaryIsExact() {
        let fragmenter = PDVFragmenter(peerMaximumLength: 16384)
        let exact = fragmenter.pdus(for: Self.pattern(16378), presentationContextID: 1, isCommand: true)
        #expect(exact.map { $0.values[0].data.readableBytes } == [16378])
        #expect(exact[0].values[0].isLastFragment && exact[0].values[0].isCommand)
        let over = fragmenter.pdus(for: Self.pattern(16380), presentationContextID: 1, isCommand: true)
        #expect(over.map { $0.values[0].data.readableBytes } == [16378, 2])
        #expect(over.map { $0.values[0].isLastFragment } == [false, true])
    }

    @Test func fragmentsAreEvenSoAnOddMaximumLosesAByte() {
        #expect(PDVFragmenter(peerMaximumLength: 16385).maximumFragmentSize == 16378)
        #expect(PDVFragmenter(peerMaximumLength: 16383).maximumFragmentSize == 16376)
    }

    @Test func zeroMeansUnlimitedAndHugeMaximaAreCapped() {
        #expect(PDVFragmenter(peerMaximumLength: 0).maximumFragmentSize == PDVFragmenter.unlimitedFragmentSize)
        #expect(PDVFragmenter(peerMaximumLength: .max).maximumFragmentSize == PDVFragmenter.unlimitedFragmentSize)
        #expect(PDVFragmenter.unlimitedFragmentSize == 1 << 20)
        let pdus = PDVFragmenter(peerMaximumLength: 0).pdus(for: Self.pattern(3 << 19), presentationContextID: 1, isCommand: false)
        #expect(pdus.map { $0.values[0].data.readableBytes } == [1 << 20, 1 << 19])
    }

    @Test func absurdlySmallMaximaStillMakeProgress() {
        for maximum: UInt32 in [1, 6, 7, 8] {
            let fragmenter = PDVFragmenter(peerMaximumLength: maximum)
            #expect(fragmenter.maximumFragmentSize == 2, "maximum \(maximum)")
            #expect(fragmenter.pdus(for: Self.pattern(5), presentationContextID: 1, isCommand: true).count == 3)
        }
    }

    @Test func emptyBytesGiveOneEmptyLastFragment() {
        let pdus = PDVFragmenter(peerMaximumLength: 16384).pdus(for: ByteBuffer(), presentationContextID: 5, isCommand: false)
        #expect(pdus == [Self.pdu(Self.pdv([], id: 5, command: false, last: true))])
    }

    @Test func streamingOneChunkAtATime() {
        let fragmenter = PDVFragmenter(peerMaximumLength: 16384)
        let pdu = fragmenter.pdu(for: Self.pattern(100), presentationContextID: 7, isCommand: false, isLast: false)
        #expect(pdu == PDataTF(values: [PresentationDataValue(presentationContextID: 7, isCommand: false, isLastFragment: false,
                                                               data: Self.pattern(100))]))
        #expect(pdu.values[0].messageControlHeader == 0x00)
        #expect(fragmenter.pdu(for: Self.pattern(16378), presentationContextID: 7, isCommand: true, isLast: true)
            .values[0].messageControlHeader == 0x03)
    }

    // MARK: Assembler

    @Test func echoInOnePDUIsOneCommand() throws {
        var assembler = DIMSEMessageAssembler()
        let outputs = try assembler.received(Self.pdu(Self.pdv(Self.echoBytes, command: true, last: true)))
        #expect(outputs == [.command(Self.echo, presentationContextID: 1)])
        #expect(assembler.isBetweenMessages)
    }

    @Test func fragmentedStoreIsACommandThenItsDataSetFragments() throws {
        var assembler = DIMSEMessageAssembler()
        let command = Array(Self.storeBytes)
        #expect(try assembler.received(Self.pdu(Self.pdv(Array(command[..<10]), id: 5, command: true, last: false))).isEmpty)
        #expect(!assembler.isBetweenMessages)
        #expect(try assembler.received(Self.pdu(Self.pdv(Array(command[10..<31]), id: 5, command: true, last: false))).isEmpty)
        let outputs = try assembler.received(Self.pdu(
            Self.pdv(Array(command[31...]), id: 5, command: true, last: true),
            Self.pdv([1, 2, 3, 4], id: 5, command: false, last: false)
        ))
        #expect(outputs == [
            .command(Self.store, presentationContextID: 5),
            .dataSetFragment(ByteBuffer(bytes: [1, 2, 3, 4]), presentationContextID: 5, isLast: false),
        ])
        #expect(!assembler.isBetweenMessages)
        let last = try assembler.received(Self.pdu(Self.pdv([5, 6], id: 5, command: false, last: true)))
        #expect(last == [.dataSetFragment(ByteBuffer(bytes: [5, 6]), presentationContextID: 5, isLast: true)])
        #expect(assembler.isBetweenMessages)
        // And the next message may follow on another context.
        #expect(try assembler.received(Self.pdu(Self.pdv(Self.echoBytes, id: 7, command: true, last: true)))
            == [.command(Self.echo, presentationContextID: 7)])
    }

    @Test func consecutiveMessagesInOnePDUAreAccepted() throws {
        var assembler = DIMSEMessageAssembler()
        let outputs = try assembler.received(Self.pdu(
            Self.pdv(Self.echoBytes, command: true, last: true),
            Self.pdv(Self.echoBytes, id: 3, command: true, last: true)
        ))
        #expect(outputs == [.command(Self.echo, presentationContextID: 1), .command(Self.echo, presentationContextID: 3)])
    }

    @Test func fragmenterOutputReassembles() throws {
        let fragmenter = PDVFragmenter(peerMaximumLength: 32)
        let dataSet = Self.pattern(1_001)
        var pdus = fragmenter.pdus(for: Self.store.encoded(), presentationContextID: 9, isCommand: true)
        pdus += fragmenter.pdus(for: dataSet, presentationContextID: 9, isCommand: false)
        // 26-byte fragments: a 100-byte command in 4, a 1001-byte data set in 39.
        #expect(fragmenter.maximumFragmentSize == 26)
        #expect(Self.store.encoded().readableBytes == 100)
        #expect(pdus.count == 4 + 39)
        var assembler = DIMSEMessageAssembler()
        var commands: [DIMSECommand] = []
        var received = ByteBuffer()
        var sawLast = false
        for pdu in pdus {
            for output in try assembler.received(pdu) {
                switch output {
                case .command(let command, let id):
                    #expect(id == 9)
                    commands.append(command)
                case .dataSetFragment(var fragment, let id, let isLast):
                    #expect(id == 9)
                    #expect(!sawLast)
                    received.writeBuffer(&fragment)
                    sawLast = isLast
                }
            }
        }
        #expect(commands == [Self.store])
        #expect(received == dataSet)
        #expect(sawLast)
    }

    @Test func dataSetFragmentWithoutCommandIsRefused() {
        var assembler = DIMSEMessageAssembler()
        #expect(throws: DIMSEError.dataSetFragmentWithoutCommand(presentationContextID: 1)) {
            try assembler.received(Self.pdu(Self.pdv([0, 0], command: false, last: true)))
        }
    }

    @Test func dataSetAfterACommandThatAnnouncedNoneIsRefused() throws {
        var assembler = DIMSEMessageAssembler()
        _ = try assembler.received(Self.pdu(Self.pdv(Self.echoBytes, command: true, last: true)))
        #expect(throws: DIMSEError.dataSetAfterCommandWithoutDataSet(command: 0x0030, presentationContextID: 1)) {
            try assembler.received(Self.pdu(Self.pdv([0, 0], command: false, last: true)))
        }
    }

    @Test func dataSetFragmentBeforeTheLastCommandFragmentIsRefused() {
        var assembler = DIMSEMessageAssembler()
        #expect(throws: DIMSEError.dataSetFragmentBeforeCommandComplete(presentationContextID: 1)) {
            try assembler.received(Self.pdu(
                Self.pdv(Array(Self.storeBytes.prefix(20)), command: true, last: false),
                Self.pdv([0, 0], command: false, last: true)
            ))
        }
    }

    @Test func commandFragmentWhileADataSetIsExpectedIsRefused() throws {
        var assembler = DIMSEMessageAssembler()
        _ = try assembler.received(Self.pdu(Self.pdv(Self.storeBytes, command: true, last: true)))
        #expect(throws: DIMSEError.commandFragmentDuringDataSet(presentationContextID: 3, expecting: 1)) {
            try assembler.received(Self.pdu(Self.pdv(Self.echoBytes, id: 3, command: true, last: true)))
        }
    }

    @Test func presentationContextChangingMidMessageIsRefused() throws {
        var midCommand = DIMSEMessageAssembler()
        _ = try midCommand.received(Self.pdu(Self.pdv(Array(Self.storeBytes.prefix(20)), command: true, last: false)))
        #expect(throws: DIMSEError.presentationContextChanged(expected: 1, received: 3)) {
            try midCommand.received(Self.pdu(Self.pdv(Array(Self.storeBytes.dropFirst(20)), id: 3, command: true, last: true)))
        }

        var midDataSet = DIMSEMessageAssembler()
        _ = try midDataSet.received(Self.pdu(Self.pdv(Self.storeBytes, command: true, last: true), Self.pdv([1, 2], command: false, last: false)))
        #expect(throws: DIMSEError.presentationContextChanged(expected: 1, received: 3)) {
            try midDataSet.received(Self.pdu(Self.pdv([3, 4], id: 3, command: false, last: true)))
        }
    }

    @Test func oversizedCommandIsRefusedBeforeItIsHeld() throws {
        var assembler = DIMSEMessageAssembler()
        let chunk = [UInt8](repeating: 0, count: 16 * 1024)
        for _ in 0..<4 {
            _ = try assembler.received(Self.pdu(Self.pdv(chunk, command: true, last: false)))
        }
        #expect(throws: DIMSEError.commandTooLong(length: 64 * 1024 + 2, maximum: DIMSEMessageAssembler.maximumCommandLength)) {
            try assembler.received(Self.pdu(Self.pdv([0, 0], command: true, last: true)))
        }
    }

    @Test func undecodableCommandIsRefusedWithTheDecodersError() {
        var assembler = DIMSEMessageAssembler()
        #expect(throws: DIMSEError.missingCommandField) {
            try assembler.received(Self.pdu(Self.pdv([], command: true, last: true)))
        }
        var explicit = DIMSEMessageAssembler()
        #expect(throws: DIMSEError.explicitVR(at: 0, tag: .commandGroupLength, vr: "UL")) {
            try explicit.received(Self.pdu(Self.pdv(Fixtures.hex("0000 0000 554C 0400 3800 0000"), command: true, last: true)))
        }
    }

    @Test func afterAnErrorTheAssemblerStaysFailed() {
        var assembler = DIMSEMessageAssembler()
        let error = DIMSEError.dataSetFragmentWithoutCommand(presentationContextID: 1)
        #expect(throws: error) { try assembler.received(Self.pdu(Self.pdv([0, 0], command: false, last: true))) }
        #expect(throws: error) { try assembler.received(Self.pdu(Self.pdv(Self.echoBytes, command: true, last: true))) }
        #expect(!assembler.isBetweenMessages)
    }

    @Test func emptyPDataTFGivesNothing() throws {
        var assembler = DIMSEMessageAssembler()
        #expect(try assembler.received(PDataTF(values: [])).isEmpty)
    }

    /// Seeded random PDV streams: every step outputs or throws `DIMSEError`, never traps.
    @Test func seededRandomPDVStreamsNeverTrap() {
        var random = SplitMix64(seed: 0xF4A6)
        let pieces = [Self.echoBytes, Self.storeBytes, [0, 0], [], Array(Self.storeBytes.prefix(13))]
        for _ in 0..<500 {
            var assembler = DIMSEMessageAssembler()
            for _ in 0..<(1 + random.next() % 12) {
                let values = (0..<(1 + random.next() % 3)).map { _ in
                    Self.pdv(pieces[Int(random.next() % UInt64(pieces.count))], id: UInt8(1 + 2 * (random.next() % 2)),
                             command: random.next() % 2 == 0, last: random.next() % 3 != 0)
                }
                do {
                    _ = try assembler.received(PDataTF(values: values))
                } catch {
                    #expect(!error.description.isEmpty)
                    break
                }
            }
        }
    }
}
