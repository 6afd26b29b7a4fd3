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
        #expect(versions == ["v1", "v2-trigram-indexes", "v3-partial-indexes", "v4-folded-patient-names", "v5-web-sessions", "v6-web-pending-logins"])
        #expect(indexes.contains { $0.contains("patient_patientid") && $0.contains("text_pattern_ops") })
        #expect(indexes.contains { $0.contains("study_studydate ") })
        #expect(indexes.contains { $0.contains("study_studydateirregular") && $0.contains("WHERE studydateirregular") })
        #expect(indexes.contains { $0.contains("patient_patientnamefolded") && $0.contains("text_pattern_ops") })
        #expect(indexes.contains { $0.contains("USING gin") && $0.contains("studydescription") && $0.contains("gin_trgm_ops") })
    }

    @Test func readsArePreparedOnceAConnectionAndTheOldestAreDeallocatedPastTheCapacity() async throws {
        let fixtures = try ArchiveFixtures(backend: .postgres)
        defer { fixtures.remove() }
        let archive = try fixtures.archive()
        func prepared(_ db: any IndexTransaction) throws -> [String] {
            try db.fetchAll("SELECT statement FROM pg_prepared_statements").map { try $0.requiredText("statement") }
        }
        // One transaction: one connection, whose statements pg_prepared_statements lists.
        let (once, withNull, afterMany) = try archive.index.read("test") { db in
            for key in ["P1", "P2", "P1"] { _ = try db.fetchAll("SELECT id FROM patient WHERE patientKey = ?", [key]) }
            let once = try prepared(db).filter { $0 == "SELECT id FROM patient WHERE patientKey = $1::text" }.count
            _ = try db.fetchAll("SELECT id FROM patient WHERE patientKey = ? OR patientKey = ?", values: [.text("P1"), .null])
            let withNull = try prepared(db).filter { $0.contains("$2") }.count
            for n in 0...PreparedStatements.capacity { _ = try db.fetchAll("SELECT ? AS v\(n)", [n]) }
            return (once, withNull, try prepared(db))
        }
        #expect(once == 1)
        #expect(withNull == 0, "a statement binding NULL runs unnamed")
        #expect(afterMany.count <= PreparedStatements.capacity && !afterMany.contains("SELECT $1::int8 AS v0"))
    }

    @Test func aSessionOpenedOnOneNodeIsResumedAndClosedOnAnother() throws {
        let (first, second) = try Self.twoNodes()
        defer { first.remove(); second.remove() }
        let nodeA = try #require(try first.archive().sharedSessions), nodeB = try #require(try second.archive().sharedSessions)
        let row = SharedSessionTable.Row(user: "reader", signIn: "account:2", csrfToken: "csrf", created: 1_000, lastSeen: 1_000)
        try nodeA.insert(key: "k1", row)
        try nodeA.insert(key: "k2", SharedSessionTable.Row(user: "old", signIn: "account:2", csrfToken: "c", created: 10, lastSeen: 10))
        #expect(try nodeB.row(key: "k1") == row)
        try nodeB.touch(key: "k1", lastSeen: 5_000)
        try nodeB.touch(key: "k1", lastSeen: 4_000)
        #expect(try nodeA.row(key: "k1")?.lastSeen == 5_000)
        try nodeB.removeLapsed(idleSince: 500, createdBefore: 0)
        #expect(try nodeA.row(key: "k2") == nil && nodeA.row(key: "k1") != nil)
        try nodeB.remove(key: "k1")
        #expect(try nodeA.row(key: "k1") == nil)
        let embedded = try ArchiveFixtures(backend: .sqlite)
        defer { embedded.remove() }
        #expect(try embedded.archive().sharedSessions == nil)
    }

    @Test func aLoginBegunOnOneNodeEndsOnceOnAnotherAndTheOldestArePushedOut() throws {
        let (first, second) = try Self.twoNodes()
        defer { first.remove(); second.remove() }
        let nodeA = try #require(try first.archive().sharedSessions), nodeB = try #require(try second.archive().sharedSessions)
        func login(_ number: Int) -> SharedSessionTable.PendingLogin {
            SharedSessionTable.PendingLogin(provider: "p", nonce: "n\(number)", binding: "b\(number)", expires: 10_000 + Int64(number))
        }
        for number in 0..<5 { try nodeA.beginLogin(state: "s\(number)", login(number), now: 1_000, capacity: 3) }
        #expect(try nodeB.finishLogin(state: "s0") == nil && nodeB.finishLogin(state: "s1") == nil, "pushed out by newer logins")
        #expect(try nodeB.finishLogin(state: "s4") == login(4))
        #expect(try nodeA.finishLogin(state: "s4") == nil, "a login ends once")
        // Expired logins go at the next beginning.
        try nodeB.beginLogin(state: "s9", login(9), now: 10_003, capacity: 3)
        #expect(try nodeA.finishLogin(state: "s2") == nil && nodeA.finishLogin(state: "s3") == nil)
        #expect(try nodeA.finishLogin(state: "s9") == login(9))
    }

    /// The test cluster serves TLS with a certificate of its own CA (Scripts/test-postgres.sh ca).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["RAMPART_TEST_POSTGRES_CA"] != nil, "needs RAMPART_TEST_POSTGRES_CA"))
    func theIndexIsReachedOverTLSWithTheServerVerifiedAndRefusedWithAnotherCA() throws {
        let url = try #require(IndexBackend.postgresURL), ca = try #require(ProcessInfo.processInfo.environment["RAMPART_TEST_POSTGRES_CA"])
        let fixtures = try ArchiveFixtures(backend: .postgres)
        defer { fixtures.remove() }
        func archive(_ parameters: String) throws -> Archive {
            let location = try PostgresIndexLocation(url: url + "?schema=\(fixtures.schema)&" + parameters, password: nil)
            return try Archive(directory: fixtures.folder + "/tls-\(parameters.count)", index: .postgres(location))
        }
        func encrypted(_ parameters: String) throws -> Bool {
            try archive(parameters).index.read("test") { db in
                // A boolean column reads as 0 or 1.
                try db.fetchOne("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").flatMap { try $0.integer("ssl") } == 1
            }
        }
        #expect(try encrypted("sslmode=verify-full&sslrootcert=\(ca)"))
        #expect(try encrypted("sslmode=require"))
        #expect(try !encrypted("sslmode=disable"))
        // Verified against the system's roots, which never signed the test CA: refused.
        #expect(throws: ArchiveError.self) { try archive("sslmode=verify-full") }
        #expect(throws: ArchiveError.self) { try archive("sslmode=verify-full&sslrootcert=/nonexistent/ca.pem") }
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
        let (first, second) = try Self.twoNodes()
        defer {
            first.remove()
            second.remove()
        }
        let nodes = [try first.archive(), try second.archive()]
        let grant = try await ArchiveFixtures.grant(.store)
        // Many instances of few studies, alternating between the nodes.
        let instances = Self.instancesOfOneStudy(40, uidRoot: "1.2.826.0.7")
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

    @Test func oneObjectStoredOnTwoNodesAtOnceIsFiledOnceAndKeptAsADuplicateOnTheOther() async throws {
        let (first, second) = try Self.twoNodes()
        defer {
            first.remove()
            second.remove()
        }
        let nodes = [try first.archive(), try second.archive()]
        let grant = try await ArchiveFixtures.grant(.store)
        // 30 UIDs, each sent to both nodes at the same moment: each node's look-up may find
        // nothing, and then one insert loses the unique key to the other node's.
        let instances = Self.instancesOfOneStudy(30, uidRoot: "1.2.826.0.8")
        let paths = try instances.enumerated().map { try first.write(ArchiveFixtures.dataSet($1), name: "both-\($0)") }
        let outcomes = try await withThrowingTaskGroup(of: (String, StoreOutcome).self) { group in
            for (path, instance) in zip(paths, instances) {
                for node in nodes {
                    group.addTask { (instance.sop, try await node.store(file: path, moving: false, grant: grant)) }
                }
            }
            return try await group.reduce(into: [String: [StoreOutcome]]()) { $0[$1.0, default: []].append($1.1) }
        }
        for instance in instances {
            let pair = try #require(outcomes[instance.sop])
            let stored = pair.filter { if case .stored = $0 { true } else { false } }
            let kept = pair.filter { if case .duplicateKept = $0 { true } else { false } }
            #expect(stored.count == 1 && kept.count == 1, "\(instance.sop): \(pair)")
        }
        let counts = try nodes[0].counts(grant: try await ArchiveFixtures.grant(.administer))
        #expect(counts.instances == 30)
    }

    /// Fixtures of two archives ("nodes": each its own folder and lock) on one PostgreSQL schema.
    private static func twoNodes() throws -> (ArchiveFixtures, ArchiveFixtures) {
        let first = try ArchiveFixtures(backend: .postgres)
        return (first, try ArchiveFixtures(backend: .postgres, schema: first.schema))
    }

    /// `count` instances of fixtures 0 to 2 in turn (one patient, one study, two series), with
    /// SOP Instance UIDs `uidRoot.0`, `uidRoot.1`, ….
    private static func instancesOfOneStudy(_ count: Int, uidRoot: String) -> [ArchiveFixtures.Instance] {
        (0..<count).map { number in
            var instance = ArchiveFixtures.instances[number % 3]
            instance.sop = "\(uidRoot).\(number)"
            return instance
        }
    }
}
