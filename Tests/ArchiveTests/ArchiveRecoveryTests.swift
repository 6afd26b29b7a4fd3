import DICOM
import Foundation
import GRDB
import Testing
@testable import Archive

@Suite struct ArchiveRecoveryTests {
    /// An index that is not the blobs' (an empty database after archive.index changed) must not
    /// make recovery take every object for an orphan.
    @Test func anIndexThatIsNotTheBlobsOnesIsRefusedAndNothingIsRemoved() throws {
        let fixtures = try ArchiveFixtures()
        defer { fixtures.remove() }
        let folder = fixtures.archiveFolder + "/blobs/1.2.3/1.2.3.4"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let files = (0...unindexedLimit).map { folder + "/1.2.3.4.\($0).dcm" }
        for file in files { try Data([1]).write(to: URL(fileURLWithPath: file)) }
        let error = #expect(throws: ArchiveError.self) { try Archive(directory: fixtures.archiveFolder) }
        guard case let .blobStore(.unindexedObjects(count, indexed, _))? = error else {
            Issue.record("not unindexedObjects: \(String(describing: error))")
            return
        }
        #expect(count == files.count && indexed == 0)
        #expect(files.allSatisfy { FileManager.default.fileExists(atPath: $0) })
        // As many as a few crashes leave are removed as before.
        for file in files.dropFirst(unindexedLimit) { try FileManager.default.removeItem(atPath: file) }
        let opened = try Archive(directory: fixtures.archiveFolder)
        #expect(opened.recoveryReport.removedOrphans.count == unindexedLimit)
    }

    @Test func reopeningRemovesOrphanBlobsAndTemporaryFiles() async throws {
        let fixtures = try ArchiveFixtures()
        defer { fixtures.remove() }
        let stored: StoredInstance
        do {
            let archive = try Archive(directory: fixtures.archiveFolder)
            #expect(archive.recoveryReport.isClean)
            let outcome = try await archive.store(file: try fixtures.write(ArchiveFixtures.dataSet(ArchiveFixtures.instances[0]), name: "a"),
                                                  moving: false, grant: try await ArchiveFixtures.grant(.store))
            guard case .stored(let instance) = outcome else { Issue.record("\(outcome)"); return }
            stored = instance
        }
        let blobs = fixtures.archiveFolder + "/blobs"
        // A blob written before a crash that came before its index commit, and a half-written file.
        try FileManager.default.createDirectory(atPath: blobs + "/1.2.3/1.2.3.4", withIntermediateDirectories: true)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: blobs + "/1.2.3/1.2.3.4/1.2.3.4.5.dcm"))
        let temporary = "1.2.826.0.1.1/1.2.826.0.1.1.1/.1.2.826.0.1.1.1.9.dcm.tmp-abc123"
        try Data([4, 5]).write(to: URL(fileURLWithPath: blobs + "/" + temporary))

        let reopened = try Archive(directory: fixtures.archiveFolder)
        #expect(reopened.recoveryReport.removedOrphans == ["1.2.3/1.2.3.4/1.2.3.4.5.dcm"])
        #expect(reopened.recoveryReport.removedTemporaryFiles == [temporary])
        #expect(reopened.recoveryReport.missingBlobs.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: blobs + "/1.2.3/1.2.3.4/1.2.3.4.5.dcm"))
        #expect(!FileManager.default.fileExists(atPath: blobs + "/" + temporary))
        #expect(FileManager.default.fileExists(atPath: fixtures.blobFile(stored)), "an indexed blob survives recovery")
        #expect(try reopened.counts(grant: try await ArchiveFixtures.grant(.administer)).instances == 1)
    }

    @Test func reopeningReportsIndexRowsWhoseBlobIsGone() async throws {
        let fixtures = try ArchiveFixtures()
        defer { fixtures.remove() }
        let stored: StoredInstance
        do {
            let archive = try Archive(directory: fixtures.archiveFolder)
            let grant = try await ArchiveFixtures.grant(.store)
            var last: StoredInstance?
            for path in try fixtures.writeAll() {
                if case .stored(let instance) = try await archive.store(file: path, moving: true, grant: grant) { last = instance }
            }
            stored = try #require(last)
        }
        try FileManager.default.removeItem(atPath: fixtures.blobFile(stored))
        let reopened = try Archive(directory: fixtures.archiveFolder)
        #expect(reopened.recoveryReport.missingBlobs == [stored])
        #expect(reopened.recoveryReport.removedOrphans.isEmpty)
        // The row is kept for an operator to act on; the archive keeps serving.
        #expect(try reopened.counts(grant: try await ArchiveFixtures.grant(.administer)).instances == ArchiveFixtures.instances.count)
    }

    @Test func migrationsRunOnceAndTheIndexReopens() async throws {
        let fixtures = try ArchiveFixtures()
        defer { fixtures.remove() }
        _ = try Archive(directory: fixtures.archiveFolder)
        let again = try Archive(directory: fixtures.archiveFolder)
        let pool = try #require(again.index.database as? SQLiteIndexDatabase).pool
        let applied = try await pool.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(applied == ["v1", "v2-agreed-columns", "v3-study-access-group", "v4-study-institution", "v5-indexable-match-arms", "v6-folded-patient-names"])
        let journal = try await pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
        let synchronous = try await pool.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(synchronous == 2, "FULL: every commit is synced")
        let mode = try FileManager.default.attributesOfItem(atPath: fixtures.archiveFolder + "/index.sqlite")[.posixPermissions] as? Int
        #expect(mode == 0o600, "the index holds patient data")
    }
}
