import DICOMNetwork
import Testing

@Suite("AE titles (PS3.5 6.2, PS3.8 9.3.2)")
struct AETitleTests {
    @Test func leadingAndTrailingSpacesAreInsignificant() throws {
        #expect(try AETitle("  STORE ") == AETitle("STORE"))
        #expect(try AETitle(" STORE").value == "STORE")
    }

    @Test func fieldIsSixteenBytesPaddedWithSpaces() throws {
        #expect(try AETitle("ECHOSCU").field == Array("ECHOSCU         ".utf8))
        #expect(try AETitle("SIXTEEN-CHARS-AE").field == Array("SIXTEEN-CHARS-AE".utf8))
    }

    @Test func blankTitleIsRepresentableButFlagged() throws {
        let blank = try AETitle("                ")
        #expect(blank.isBlank)
        #expect(blank == .blank)
        #expect(blank.field == [UInt8](repeating: 0x20, count: 16))
        #expect(try !AETitle("ANY-SCP").isBlank)
    }

    @Test func rejectsMoreThanSixteenCharacters() {
        #expect(throws: AETitleError.tooLong("SEVENTEEN-CHARS-A", count: 17)) { try AETitle("SEVENTEEN-CHARS-A") }
    }

    @Test func rejectsBackslashAndControlCharacters() {
        #expect(throws: AETitleError.invalidCharacter("A\\B", byte: 0x5C)) { try AETitle("A\\B") }
        #expect(throws: AETitleError.invalidCharacter("A\nB", byte: 0x0A)) { try AETitle("A\nB") }
        #expect(throws: AETitleError.self) { try AETitle("RÖNTGEN") }
    }

    @Test func errorNamesTheTitleAndTheRule() {
        let text = AETitleError.tooLong("SEVENTEEN-CHARS-A", count: 17).description
        #expect(text.contains("SEVENTEEN-CHARS-A") && text.contains("16"))
    }

    @Test func blankCalledAETitleIsDecodedAndFlagged() throws {
        var bytes = Fixtures.associateRQBytes
        for i in 10..<26 { bytes[i] = 0x20 }
        guard case let .associateRQ(rq) = try Fixtures.decode(bytes) else { Issue.record("not an A-ASSOCIATE-RQ"); return }
        #expect(rq.calledAETitle.isBlank)
        #expect(rq.callingAETitle.value == "ECHOSCU")
    }

    @Test func nulPaddedAETitleIsDecoded() throws {
        var bytes = Fixtures.associateRQBytes
        for i in 17..<26 { bytes[i] = 0 }               // "ANY-SCP" then NULs
        guard case let .associateRQ(rq) = try Fixtures.decode(bytes) else { Issue.record("not an A-ASSOCIATE-RQ"); return }
        #expect(rq.calledAETitle.value == "ANY-SCP")
    }
}
