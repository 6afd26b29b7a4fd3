import Access
import DICOM
import Foundation
import Testing
@testable import Archive

private typealias Tag = DICOM.Tag

/// `Archive.indexWithoutObjects` (what `rampart index bulk-load` files) against stores of the
/// same objects, and what start-up recovery makes of rows without objects.
@Suite struct ArchiveIndexOnlyTests {
    /// Every column of the entity tables but the instance's blob path, size and hash, which
    /// are the object's and which an index-only row does not have.
    static func tables(_ archive: Archive) throws -> [[String]] {
        let columns: [(table: String, names: [String])] = [
            ("patient", ["patientKey", "patientIDVaries", "patientID", "patientName", "patientBirthDate", "patientSex", "attributes"]),
            ("study", ["studyInstanceUID", "patientRowID", "studyDate", "studyTime", "accessionNumber", "studyID", "studyDescription",
                       "referringPhysicianName", "institutionName", "modalitiesInStudy", "sopClassesInStudy", "accessGroup", "attributes"]),
            ("series", ["seriesInstanceUID", "studyRowID", "modality", "seriesNumber", "seriesDescription", "attributes"]),
            ("instance", ["sopInstanceUID", "seriesRowID", "sopClassUID", "instanceNumber", "modality", "attributes"]),
        ]
        return try archive.index.read("compare") { db in
            try columns.flatMap { table, names in
                try db.fetchAll("SELECT \(names.joined(separator: ", ")) FROM \(table) ORDER BY id").map { row in
                    [table] + names.map { "\(row[$0])" }
                }
            }
        }
    }

    @Test(arguments: IndexBackend.allForTests)
    func filesTheRowsAStoreFiles(_ backend: IndexBackend) async throws {
        let stored = try ArchiveFixtures(backend: backend), indexed = try ArchiveFixtures(backend: backend)
        defer { stored.remove(); indexed.remove() }
        let storing = try stored.archive(), indexing = try indexed.archive()
        let grant = try await ArchiveFixtures.grant(.store)
        for path in try stored.writeAll() { _ = try await storing.store(file: path, moving: true, grant: grant) }
        // Two transactions, as bulk-load's batches split a study.
        let dataSets = ArchiveFixtures.instances.map(ArchiveFixtures.dataSet)
        try indexing.indexWithoutObjects(Array(dataSets.prefix(2)), grant: grant)
        try indexing.indexWithoutObjects(Array(dataSets.dropFirst(2)), grant: grant)

        #expect(try Self.tables(indexing) == Self.tables(storing))
        // One transaction for all: each entity row read once, its record merged in memory
        // object after object and written at the end, must file the same rows.
        let whole = try ArchiveFixtures(backend: backend)
        defer { whole.remove() }
        let indexingAtOnce = try whole.archive()
        try indexingAtOnce.indexWithoutObjects(dataSets, grant: grant)
        #expect(try Self.tables(indexingAtOnce) == Self.tables(storing))
        let query = try ArchiveFixtures.query("STUDY", .studyRoot, [(Tag(0x0010, 0x0010), .PN, "*"), (Tag(0x0008, 0x0061), .CS, ""),
                                                                   (Tag(0x0020, 0x1208), .IS, "")])
        let queryGrant = try await ArchiveFixtures.grant(.query)
        #expect(try indexing.find(query, grant: queryGrant) == storing.find(query, grant: queryGrant))
    }

    @Test func refusesAnInstanceIndexedAlreadyAndFilesNothingOfItsBatch() async throws {
        let fixtures = try ArchiveFixtures()
        defer { fixtures.remove() }
        let archive = try fixtures.archive()
        let grant = try await ArchiveFixtures.grant(.store)
        let dataSets = ArchiveFixtures.instances.map(ArchiveFixtures.dataSet)
        try archive.indexWithoutObjects([dataSets[0]], grant: grant)
        #expect(throws: ArchiveError.self) { try archive.indexWithoutObjects([dataSets[1], dataSets[0]], grant: grant) }
        #expect(try archive.counts(grant: try await ArchiveFixtures.grant(.administer)).instances == 1)
    }

    @Test func needsAGrantToStore() async throws {
        let fixtures = try ArchiveFixtures()
        defer { fixtures.remove() }
        let archive = try fixtures.archive()
        let grant = try await ArchiveFixtures.grant(.query)
        #expect(throws: ArchiveError.self) {
            try archive.indexWithoutObjects([ArchiveFixtures.dataSet(ArchiveFixtures.instances[0])], grant: grant)
        }
    }

    @Test func recoveryCountsRowsWithoutObjectsAndListsAFewKeepingEveryRow() async throws {
        let fixtures = try ArchiveFixtures()
        defer { fixtures.remove() }
        let grant = try await ArchiveFixtures.grant(.store)
        let template = ArchiveFixtures.dataSet(ArchiveFixtures.instances[0])
        let count = RecoveryReport.listedMissingBlobs + 20
        do {
            let archive = try fixtures.archive()
            try archive.indexWithoutObjects((0..<count).map { n in
                var dataSet = template
                dataSet.insert(.uid(Tag(0x0008, 0x0018), "1.2.826.0.1.1.1.9.\(n + 1)"))
                return dataSet
            }, grant: grant)
        }
        let reopened = try fixtures.archive()
        #expect(reopened.recoveryReport.missingBlobCount == count)
        #expect(reopened.recoveryReport.missingBlobs.count == RecoveryReport.listedMissingBlobs)
        #expect(reopened.recoveryReport.removedOrphans.isEmpty)
        #expect(try reopened.counts(grant: try await ArchiveFixtures.grant(.administer)).instances == count)
    }
}
