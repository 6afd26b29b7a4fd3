import Foundation
import Testing
@testable import Archive

/// What only the PostgreSQL index has: its migrations and indexes, and several nodes on it.
/// (The index semantics are the shared suites', run on both back ends.)
@Suite(.enabled(if: IndexBackend.postgresURL != nil, "needs RAMPART_TEST_POSTGRES (Scripts/test-postgres.sh start)"))
struct PostgresIndexTests {
    @Test func migrationsAreRecordedOnceAndTheQueryKeysAreIndexed() async throws {
        let fixtures = try ArchiveFixtures(backend: .postgres)
        defer { fixtures.remove() }
        _ = try fixtures.archive()
        let archive = try fixtures.archive()
        let (versions, indexes) = try archive.index.read("test") { db in
            (try db.fetchAll("SELECT version FROM schema_migrations ORDER BY version").map { try $0.requiredText("version") },
             try db.fetchAll("SELECT indexdef FROM pg_indexes WHERE schemaname = ?", [fixtures.schema]).map { try $0.requiredText("indexdef") })
        }
        #expect(versions == ["v1", "v2-trigram-indexes", "v3-partial-indexes", "v4-folded-patient-names"])
        #expect(indexes.contains { $0.contains("patient_patientid") && $0.contains("text_pattern_ops") })
        #expect(indexes.contains { $0.contains("study_studydate ") })
        #expect(indexes.contains { $0.contains("study_studydateirregular") && $0.contains("WHERE studydateirregular") })
        #expect(indexes.contains { $0.contains("patient_patientnamefolded") && $0.contains("text_pattern_ops") })
        #expect(indexes.contains { $0.contains("USING gin") && $0.contains("studydescription") && $0.contains("gin_trgm_ops") })
    }

    @Test func wildcardsOnPostgreSQLAreCaseSensitiveAndEscapeLikeCharacters() async throws {
        let fixtures = try ArchiveFixtures(backend: .postgres)
        defer { fixtures.remove() }
        let archive = try fixtures.archive()
        let grant = try await ArchiveFixtures.grant(.store)
        var odd = ArchiveFixtures.instances[4]
        odd.accession = "A_%1"
        for path in try [ArchiveFixtures.instances[0], odd].enumerated().map({ try fixtures.write(ArchiveFixtures.dataSet($1), name: "w\($0)") }) {
            _ = try await archive.store(file: path, moving: false, grant: grant)
        }
        func accessions(_ key: String) async throws -> [String] {
            let query = try ArchiveFixtures.query("STUDY", .studyRoot, [(ArchiveTag.accessionNumber, .SH, key)])
            return try archive.find(query, grant: try await ArchiveFixtures.grant(.query)).compactMap { $0.string(ArchiveTag.accessionNumber) }
        }
        // "_" and "%" are LIKE's wild cards, not DICOM's: matched as themselves.
        #expect(try await accessions("A_%*") == ["A_%1"])
        #expect(try await accessions("A?%1") == ["A_%1"])
        #expect(try await accessions("AC_*").isEmpty)
        #expect(try await accessions("acc*").isEmpty)
        #expect(try await accessions("*C1") == ["ACC1"])
    }

    /// Two nodes (two archives, each its own blob folder and lock) on one PostgreSQL index,
    /// storing into the same patients and studies at once: entity rows are neither duplicated
    /// nor lost, and the records merge every instance.
    @Test func twoNodesFilingIntoTheSameStudiesAtOnceShareTheirRows() async throws {
        let first = try ArchiveFixtures(backend: .postgres)
        let second = try ArchiveFixtures(backend: .postgres, schema: first.schema)
        defer {
            first.remove()
            second.remove()
        }
        let nodes = [try first.archive(), try second.archive()]
        let grant = try await ArchiveFixtures.grant(.store)
        // Many instances of few studies, alternating between the nodes.
        let instances = (0..<40).map { number in
            var instance = ArchiveFixtures.instances[number % 3]
            instance.sop = "1.2.826.0.7.\(number)"
            return instance
        }
        let paths = try instances.enumerated().map { try first.write(ArchiveFixtures.dataSet($1), name: "shared-\($0)") }
        let outcomes = try await withThrowingTaskGroup(of: StoreOutcome.self) { group in
            for (number, path) in paths.enumerated() {
                let node = nodes[number % 2]
                group.addTask { try await node.store(file: path, moving: false, grant: grant) }
            }
            return try await group.reduce(into: [StoreOutcome]()) { $0.append($1) }
        }
        #expect(outcomes.allSatisfy { if case .stored = $0 { true } else { false } })
        let administer = try await ArchiveFixtures.grant(.administer)
        for node in nodes {
            // Fixtures 0 to 2: one patient, one study, two series.
            #expect(try node.counts(grant: administer) == ArchiveCounts(patients: 1, studies: 1, series: 2, instances: 40))
        }
        let query = try ArchiveFixtures.query("STUDY", .studyRoot, [(ArchiveTag.studyInstanceUID, .UI, "1.2.826.0.1.1"),
                                                                   (ArchiveTag.numberOfStudyRelatedInstances, .IS, ""),
                                                                   (ArchiveTag.modalitiesInStudy, .CS, "")])
        let answers = try nodes[1].find(query, grant: try await ArchiveFixtures.grant(.query))
        #expect(answers.count == 1)
        #expect(answers.first?.string(ArchiveTag.numberOfStudyRelatedInstances) == "40")
        #expect(answers.first?.string(ArchiveTag.modalitiesInStudy).map { Set($0.split(separator: "\\")) } == ["CT", "MR"])
    }
}
