import Access
import DICOM
import DICOMNetwork
import Foundation
import GRDB
import Testing
@testable import Archive

private typealias Tag = DICOM.Tag

/// Study conditions of a policy (institution, referring physician) through the archive: a grant
/// limited by them reaches only the studies inside, in answers, counts, retrievals and stores.
@Suite struct ArchiveStudyConditionTests {
    static let chest = "1.2.826.0.1.1"     // PAT1, North, referred by SMITH^ANNA (written with trailing "^")
    static let headMR = "1.2.826.0.1.2"    // PAT1, South, referred by JONES^BOB
    static let abdomen = "1.2.826.0.2.1"   // PAT2, North, referred by JONES^BOB
    static let knee = "1.2.826.0.3.1"      // PAT3, no institution, referred by SMITH^ANNA

    static func dataSet(_ instance: ArchiveFixtures.Instance, institution: String?, referrer: String) -> DataSet {
        var dataSet = ArchiveFixtures.dataSet(instance)
        if let institution { dataSet.insert(.text(Tag(0x0008, 0x0080), .LO, [institution])) }
        dataSet.insert(.text(Tag(0x0008, 0x0090), .PN, [referrer]))
        return dataSet
    }

    static func attributes(of study: String) -> (institution: String?, referrer: String) {
        switch study {
        case chest: ("North", "SMITH^ANNA^^")
        case headMR: ("South", "JONES^BOB")
        case abdomen: ("North", "JONES^BOB")
        default: (nil, "SMITH^ANNA")
        }
    }

    private func archive(_ fixtures: ArchiveFixtures) async throws -> Archive {
        let archive = try fixtures.archive()
        let store = try await ArchiveFixtures.grant(.store)
        for (number, instance) in ArchiveFixtures.instances.enumerated() {
            let (institution, referrer) = Self.attributes(of: instance.study)
            let path = try fixtures.write(Self.dataSet(instance, institution: institution, referrer: referrer), name: "in-\(number)")
            _ = try await archive.store(file: path, moving: false, grant: store)
        }
        return archive
    }

    static let policy: AccessPolicy = {
        var policy = AccessPolicy.builtIn
        policy.define(RoleDefinition(name: "north", actions: [.store, .query, .retrieve, .delete], view: .full, studies: [.institutions(["North"])]))
        policy.define(RoleDefinition(name: "referring-physician", actions: [.query, .retrieve], view: .full, studies: [.referredByPrincipal],
                                     mayBreakTheGlass: true))
        return policy
    }()

    private func grant(_ action: AccessAction, roles: [String], personName: String? = nil, purpose: String? = nil) async throws -> Grant {
        try await Gate(registry: AERegistry(), policy: Self.policy, recorder: MemoryDecisionRecorder())
            .decide(AccessContext(principal: .user("u"), roles: roles, channel: .dimse, peerAddress: "127.0.0.1:1",
                                  authentication: .token, purposeOfUse: purpose, personName: personName), action)
    }

    private func studies(_ archive: Archive, _ grant: Grant) throws -> [String] {
        let query = try ArchiveFixtures.query("STUDY", .studyRoot, [(Tag(0x0020, 0x000D), .UI, "")])
        return try archive.find(query, grant: grant).compactMap { $0.string(Tag(0x0020, 0x000D)) }
    }

    @Test(arguments: IndexBackend.allForTests)
    func anInstitutionLimitedGrantReachesOnlyItsInstitutionsStudies(_ backend: IndexBackend) async throws {
        let fixtures = try ArchiveFixtures(backend: backend)
        defer { fixtures.remove() }
        let archive = try await archive(fixtures)
        let query = try await grant(.query, roles: ["north"])
        #expect(try studies(archive, query) == [Self.chest, Self.abdomen])

        // A patient's counts leave the studies of other institutions out; PAT3 has none inside.
        let patients = try ArchiveFixtures.query("PATIENT", .patientRoot, [(Tag(0x0010, 0x0020), .LO, ""), (Tag(0x0020, 0x1200), .IS, "")])
        let answers = try archive.find(patients, grant: query)
        #expect(answers.compactMap { $0.string(Tag(0x0010, 0x0020)) } == ["PAT1", "PAT2"])
        #expect(answers.first?.string(Tag(0x0020, 0x1200)) == "1")

        let move = try ArchiveFixtures.query("PATIENT", .patientRoot, [(Tag(0x0010, 0x0020), .LO, "PAT1")], operation: .move)
        let retrieved = try archive.instances(matching: move, grant: try await grant(.retrieve, roles: ["north"]))
        #expect(retrieved.count == 3 && retrieved.allSatisfy { $0.studyInstanceUID == Self.chest })
    }

    @Test(arguments: IndexBackend.allForTests)
    func aReferringPhysicianReachesTheStudiesItReferred(_ backend: IndexBackend) async throws {
        let fixtures = try ArchiveFixtures(backend: backend)
        defer { fixtures.remove() }
        let archive = try await archive(fixtures)
        // "SMITH^ANNA^^" is the same name: trailing empty components do not count.
        let anna = try await grant(.query, roles: ["referring-physician"], personName: "SMITH^ANNA")
        #expect(try studies(archive, anna) == [Self.chest, Self.knee])
        let bob = try await grant(.retrieve, roles: ["referring-physician"], personName: "JONES^BOB")
        let direct = try ArchiveFixtures.query("STUDY", .studyRoot, [(Tag(0x0020, 0x000D), .UI, Self.knee)], operation: .move)
        #expect(try archive.instances(matching: direct, grant: bob).isEmpty)
        // With a second role that has no study condition, every study is reached.
        let both = try await grant(.query, roles: ["referring-physician", "radiologist"], personName: "JONES^BOB")
        #expect(try studies(archive, both).count == 4)
        // Breaking the glass lifts the study conditions.
        let emergency = try await grant(.query, roles: ["referring-physician"], personName: "JONES^BOB", purpose: AccessPolicy.defaultEmergencyPurpose)
        #expect(emergency.brokeTheGlass)
        #expect(try studies(archive, emergency).count == 4)
    }

    @Test(arguments: IndexBackend.allForTests)
    func aStudyWhoseInstancesDisagreeIsOutsideEveryLimitThatReadsTheAttribute(_ backend: IndexBackend) async throws {
        let fixtures = try ArchiveFixtures(backend: backend)
        defer { fixtures.remove() }
        let archive = try await archive(fixtures)
        var stray = ArchiveFixtures.instances[0]
        stray.sop = "1.2.826.0.1.1.1.9"
        let path = try fixtures.write(Self.dataSet(stray, institution: "South", referrer: "SMITH^ANNA^^"), name: "stray")
        _ = try await archive.store(file: path, moving: false, grant: try await ArchiveFixtures.grant(.store))
        #expect(try studies(archive, try await grant(.query, roles: ["north"])) == [Self.abdomen])
        #expect(try studies(archive, try await grant(.query, roles: ["referring-physician"], personName: "SMITH^ANNA")) == [Self.chest, Self.knee])
    }

    @Test(arguments: IndexBackend.allForTests)
    func aLimitedStoreGrantFilesOnlyObjectsAndStudiesInside(_ backend: IndexBackend) async throws {
        let fixtures = try ArchiveFixtures(backend: backend)
        defer { fixtures.remove() }
        let archive = try await archive(fixtures)
        let store = try await grant(.store, roles: ["north"])
        func outcome(_ instance: ArchiveFixtures.Instance, institution: String?, name: String) async throws -> StoreOutcome {
            let path = try fixtures.write(Self.dataSet(instance, institution: institution, referrer: "X^Y"), name: name)
            return try await archive.store(file: path, moving: false, grant: store)
        }
        var object = ArchiveFixtures.instances[3]  // the head MR study, South
        object.sop = "1.2.826.0.1.2.1.9"
        // North's modality may not file into South's study, nor file a South object, nor one without institution.
        guard case .rejected(.outsideGrant) = try await outcome(object, institution: "North", name: "into-south") else {
            Issue.record("filed into a study outside the grant"); return
        }
        object.study = "1.2.826.0.9.1"
        object.series = "1.2.826.0.9.1.1"
        guard case .rejected(.outsideGrant) = try await outcome(object, institution: "South", name: "south"),
              case .rejected(.outsideGrant) = try await outcome(object, institution: nil, name: "none")
        else { Issue.record("filed an object outside the grant"); return }
        guard case .stored = try await outcome(object, institution: "North", name: "north") else {
            Issue.record("refused an object inside the grant"); return
        }
        #expect(try studies(archive, try await grant(.query, roles: ["north"])) == [Self.chest, Self.abdomen, "1.2.826.0.9.1"])
    }

    @Test(arguments: IndexBackend.allForTests)
    func aLimitedGrantDeletesAndCommitsOnlyInsideItsStudies(_ backend: IndexBackend) async throws {
        let fixtures = try ArchiveFixtures(backend: backend)
        defer { fixtures.remove() }
        let archive = try await archive(fixtures)
        let delete = try await grant(.delete, roles: ["north"])
        // South's study is out of reach: nothing deleted, as if it were not archived.
        #expect(try await archive.delete(studyInstanceUID: Self.headMR, grant: delete).isEmpty)
        let deleted = try await archive.delete(studyInstanceUID: Self.abdomen, grant: delete)
        #expect(deleted.count == 1 && deleted.allSatisfy { $0.studyInstanceUID == Self.abdomen })
        let everything = try await ArchiveFixtures.grant(.query)
        #expect(try studies(archive, everything) == [Self.chest, Self.headMR, Self.knee])

        // Storage commitment under the same grant tells nothing of studies outside it.
        let inside = ArchiveFixtures.instances.first { $0.study == Self.chest }!
        let outside = ArchiveFixtures.instances.first { $0.study == Self.headMR }!
        let references = [inside, outside].map { SOPReference(sopClassUID: $0.sopClass, sopInstanceUID: $0.sop) }
        #expect(try archive.presence(of: references, grant: try await grant(.store, roles: ["north"])) == [.present, .absent])
        #expect(try archive.presence(of: references, grant: try await ArchiveFixtures.grant(.store)) == [.present, .present])
    }

    @Test func theMigrationFillsTheInstitutionOfStudiesArchivedBefore() async throws {
        let fixtures = try ArchiveFixtures()
        defer { fixtures.remove() }
        do {
            _ = try await archive(fixtures)
        }
        // The index as v3 left it: no institution column, v4 not applied.
        let pool = try DatabasePool(path: fixtures.archiveFolder + "/index.sqlite")
        try await pool.write { db in
            try db.execute(sql: "ALTER TABLE study DROP COLUMN institutionName")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v4-study-institution'")
        }
        try pool.close()
        let reopened = try fixtures.archive()
        #expect(try studies(reopened, try await grant(.query, roles: ["north"])) == [Self.chest, Self.abdomen])
    }
}
