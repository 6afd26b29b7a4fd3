import DICOM
import Testing
@testable import Archive

@Suite struct ValidatedUIDTests {
    @Test(arguments: ["0", "1.2.840.10008.1.2.1", "2.25.323541408573454260616335267934795940365", "1.0.3", String(repeating: "1", count: 64)])
    func acceptsUIDsOfPS3_5_9_1(_ text: String) throws {
        #expect(try ValidatedUID(text).value == text)
    }

    @Test(arguments: ["", "../x", "1.2.3/..", "..", ".", ".1", "1.", "1..2", "01.2", "1.02", "1.2a", "1.2 ", "-1.2", "1.2\u{0}",
                      String(repeating: "1", count: 65), "１.２"])
    func refusesAnythingElse(_ text: String) {
        #expect(throws: InvalidUID.self) { try ValidatedUID(text) }
    }

    @Test func blobKeyPathStaysInsideTheStore() throws {
        let key = try BlobKey(study: "1.2", series: "1.2.3", instance: "1.2.3.4")
        #expect(key.relativePath == "1.2/1.2.3/1.2.3.4.dcm")
        #expect(throws: InvalidUID.self) { try BlobKey(study: "1.2", series: "../../etc", instance: "1") }
    }

    @Test func errorTellsWhatIsWrong() {
        do {
            _ = try ValidatedUID("1.2.3/..")
            Issue.record("accepted")
        } catch {
            #expect(error.description.contains("\"/\""))
            #expect(error.description.contains("PS3.5 9.1"))
        }
    }
}
