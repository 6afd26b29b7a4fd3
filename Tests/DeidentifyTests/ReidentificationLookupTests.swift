import DICOM
import Foundation
import Testing

@testable import Deidentify

private typealias Tag = DICOM.Tag

@Suite struct ReidentificationLookupTests {
    static let key = ProjectKey(bytes: Array(repeating: 7, count: 32))

    static func record(patient: String = "SYNTH-PAT-7") throws -> ReidentificationRecord {
        let original = DeidentifierTests.object(patient: patient)
        let deidentified = try Deidentifier(key: key, options: []).deidentify(original)
        return ReidentificationRecord(original: original, deidentified: deidentified)
    }

    @Test func aRecordMapsTheOriginalsToTheirReplacements() throws {
        let record = try Self.record()
        #expect(record.patientID == .init(original: "SYNTH-PAT-7", replacement: Self.key.pseudonym(ofPatientID: "SYNTH-PAT-7")))
        #expect(record.patientName == .init(original: "Doe^Jane", replacement: ""))
        #expect(record.studyInstanceUID == .init(original: "1.2.3.4", replacement: Self.key.uid(for: "1.2.3.4")))
        #expect(record.hasReplacementUID(Self.key.uid(for: "1.2.3.4.1.1")))
        #expect(!record.hasReplacementUID("1.2.3.4"))
    }

    @Test func sealedLinesOpenToTheSameRecords() throws {
        let lookup = ReidentificationLookup(projectKey: Self.key)
        let records = [try Self.record(), try Self.record(patient: "SYNTH-PAT-8")]
        let text = try records.map { try lookup.seal($0) + "\n" }.joined()
        #expect(try lookup.open(text, path: "lookup") == records)
    }

    @Test func twoSealsOfOneRecordDiffer() throws {
        let lookup = ReidentificationLookup(projectKey: Self.key)
        let record = try Self.record()
        #expect(try lookup.seal(record) != lookup.seal(record))
    }

    @Test func anotherKeyCannotOpenTheLines() throws {
        let line = try ReidentificationLookup(projectKey: Self.key).seal(try Self.record())
        let other = ReidentificationLookup(projectKey: ProjectKey(bytes: Array(repeating: 8, count: 32)))
        #expect(throws: ReidentificationError.cannotOpen(path: "lookup", line: 2)) {
            try other.open("\n" + line + "\n", path: "lookup")
        }
    }

    @Test func anAlteredLineFailsToOpen() throws {
        let lookup = ReidentificationLookup(projectKey: Self.key)
        var bytes = Data(base64Encoded: try lookup.seal(try Self.record()))!
        bytes[20] ^= 1
        #expect(throws: ReidentificationError.cannotOpen(path: "lookup", line: 1)) {
            try lookup.open(bytes.base64EncodedString(), path: "lookup")
        }
        #expect(throws: ReidentificationError.malformedLine(path: "lookup", line: 1)) {
            try lookup.open("not base64!", path: "lookup")
        }
    }

    @Test func theLookupKeyIsNotTheProjectKey() throws {
        let lookupKey = Self.key.lookupKey.withUnsafeBytes { Array($0) }
        #expect(lookupKey.count == 32)
        #expect(lookupKey != Array(repeating: 7, count: 32))
    }
}
