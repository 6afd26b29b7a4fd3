import DICOM
import Testing
@testable import Archive

private typealias Tag = DICOM.Tag

@Suite struct ImportSummaryTests {
    static func instance(_ sop: String) -> StoredInstance {
        StoredInstance(sopClassUID: "1.2.840.10008.5.1.4.1.1.2", sopInstanceUID: sop, patientID: "P1", studyInstanceUID: "1.2.3",
                       seriesInstanceUID: "1.2.3.4", blobPath: "1.2.3/1.2.3.4/\(sop).dcm",
                       transferSyntax: .explicitVRLittleEndian, size: 10, sha256: nil)
    }

    @Test func everyFileCountsOnceAndDuplicatesAreNotRejections() {
        var summary = ImportSummary()
        summary.record(.stored(Self.instance("1.1")), path: "a.dcm", bytes: 100)
        summary.record(.stored(Self.instance("1.2")), path: "b.dcm", bytes: 100)
        summary.record(.duplicateKept(Self.instance("1.1")), path: "c.dcm", bytes: 100)
        summary.record(.replaced(Self.instance("1.2")), path: "d.dcm", bytes: 100)
        summary.record(.rejected(.duplicate(sopInstanceUID: "1.1")), path: "e.dcm", bytes: 100)
        summary.record(.rejected(.unreadable("no preamble")), path: "f.txt", bytes: 7)
        #expect(summary.accepted == 2)
        #expect((summary.duplicatesKept, summary.duplicatesReplaced, summary.duplicatesRefused) == (1, 1, 1))
        #expect(summary.duplicates == 3)
        #expect(summary.rejected == 1)
        #expect(summary.files == 6)
        #expect(summary.bytes == 507)
    }

    @Test func rejectionsAreGroupedByKindWithTheFirstThreePathsAsExamples() {
        var summary = ImportSummary()
        // Arrival order is the order parallel work finished in; the examples must not depend on it.
        for (index, name) in ["e", "b", "d", "a", "c"].enumerated() {
            summary.record(.rejected(.unreadable("file ends at byte \(index)")), path: "dir/\(name).dcm", bytes: 1)
        }
        summary.record(.rejected(.missingAttribute(Tag(0x0020, 0x000D))), path: "dir/x.dcm", bytes: 1)
        summary.record(.rejected(.invalidUID(Tag(0x0008, 0x0018), InvalidUID(text: "1", problem: .tooLong(65)))), path: "dir/y.dcm", bytes: 1)
        summary.record(.rejected(.invalidUID(Tag(0x0008, 0x0018), InvalidUID(text: "", problem: .empty))), path: "dir/z.dcm", bytes: 1)
        summary.recordMissing("nowhere")

        let groups = summary.rejections
        #expect(groups.map(\.count) == [5, 2, 1, 1])
        #expect(groups[0].reason == "not a readable DICOM Part 10 file")
        #expect(groups[0].examples.map(\.path) == ["dir/a.dcm", "dir/b.dcm", "dir/c.dcm"])
        #expect(groups[0].examples[0].detail.contains("file ends at byte 3"))
        #expect(groups[1].reason == "SOPInstanceUID (0008,0018) is not a valid UID")
        #expect(groups[2...].map(\.reason) == ["no StudyInstanceUID (0020,000D), which the archive needs to file the object",
                                               "no such file or folder"])
        #expect(summary.rejected == 9)
    }

    @Test func linesGiveCountsGroupsAndRate() {
        var summary = ImportSummary()
        for index in 0..<8 { summary.record(.stored(Self.instance("1.\(index)")), path: "\(index).dcm", bytes: 500_000) }
        summary.record(.duplicateKept(Self.instance("1.0")), path: "again.dcm", bytes: 500_000)
        for name in ["p", "q", "r", "s"] { summary.record(.rejected(.unreadable("not DICOM")), path: "\(name).txt", bytes: 0) }
        let lines = summary.lines(elapsed: .seconds(2))
        #expect(lines == [
            "accepted: 8",
            "duplicates: 1 (1 kept)",
            "rejected: 4",
            "  not a readable DICOM Part 10 file: 4",
            "    p.txt: not a readable DICOM Part 10 file: not DICOM",
            "    q.txt: not a readable DICOM Part 10 file: not DICOM",
            "    r.txt: not a readable DICOM Part 10 file: not DICOM",
            "    … and 1 more",
            "13 files, 4.5 MB in 2.0 s: 6.5 files/s, 2.2 MB/s",
        ])
    }
}
