import Access
import DICOM
import DICOMNetwork
import Foundation
import Testing
@testable import Archive

private typealias Tag = DICOM.Tag

/// Studies restricted to an access group stay out of every answer, count and retrieval unless
/// the grant opens the group or breaks the glass.
@Suite struct ArchiveRestrictionTests {
    static let headMR = "1.2.826.0.1.2"      // PAT1's second study
    static let abdomenCT = "1.2.826.0.2.1"   // PAT2's only study

    /// An archive of the fixtures with the head MR restricted to "vip" and the abdomen CT to "staff".
    private func restrictedArchive(_ fixtures: ArchiveFixtures) async throws -> Archive {
        let archive = try fixtures.archive()
        let store = try await ArchiveFixtures.grant(.store)
        for path in try fixtures.writeAll() { _ = try await archive.store(file: path, moving: false, grant: store) }
        let administer = try await ArchiveFixtures.grant(.administer)
        #expect(try await archive.restrict(studyInstanceUID: Self.headMR, to: "vip", grant: administer))
        #expect(try await archive.restrict(studyInstanceUID: Self.abdomenCT, to: "staff", grant: administer))
        return archive
    }

    private func grant(_ action: AccessAction, roles: [String] = ["radiologist"], purpose: String? = nil,
                       policy: AccessPolicy = .builtIn) async throws -> Grant {
        try await Gate(registry: AERegistry(), policy: policy, recorder: MemoryDecisionRecorder())
            .decide(AccessContext(principal: .user("u"), roles: roles, channel: .dimse, peerAddress: "127.0.0.1:1",
                                  authentication: .token, purposeOfUse: purpose), action)
    }

    private func studies(_ archive: Archive, _ grant: Grant) throws -> [String] {
        let query = try ArchiveFixtures.query("STUDY", .studyRoot, [(Tag(0x0020, 0x000D), .UI, "")])
        return try archive.find(query, grant: grant).compactMap { $0.string(Tag(0x0020, 0x000D)) }
    }

    @Test(arguments: IndexBackend.allForTests)
    func aRestrictedStudyIsLeftOutOfAnswersCountsAndRetrievals(_ backend: IndexBackend) async throws {
        let fixtures = try ArchiveFixtures(backend: backend)
        defer { fixtures.remove() }
        let archive = try await restrictedArchive(fixtures)
        let query = try await grant(.query)
        #expect(try studies(archive, query) == ["1.2.826.0.1.1", "1.2.826.0.3.1"])

        // PAT2 has no study in scope: the patient itself is not answered. PAT1 counts one study.
        let patients = try ArchiveFixtures.query("PATIENT", .patientRoot, [(Tag(0x0010, 0x0020), .LO, ""), (Tag(0x0020, 0x1200), .IS, ""),
                                                                             (Tag(0x0020, 0x1204), .IS, "")])
        let answers = try archive.find(patients, grant: query)
        #expect(answers.compactMap { $0.string(Tag(0x0010, 0x0020)) } == ["PAT1", "PAT3"])
        #expect(answers.first?.string(Tag(0x0020, 0x1200)) == "1")
        #expect(answers.first?.string(Tag(0x0020, 0x1204)) == "3")

        // A patient-level retrieval of PAT1 leaves the restricted study's instance behind.
        let move = try ArchiveFixtures.query("PATIENT", .patientRoot, [(Tag(0x0010, 0x0020), .LO, "PAT1")], operation: .move)
        let retrieved = try archive.instances(matching: move, grant: try await grant(.retrieve)).map(\.studyInstanceUID)
        #expect(retrieved.count == 3 && !retrieved.contains(Self.headMR))
        // Asking for it by its UID finds nothing either.
        let direct = try ArchiveFixtures.query("STUDY", .studyRoot, [(Tag(0x0020, 0x000D), .UI, Self.headMR)], operation: .move)
        #expect(try archive.instances(matching: direct, grant: try await grant(.retrieve)).isEmpty)
    }

    @Test(arguments: IndexBackend.allForTests)
    func aRoleOpensItsGroupsAndBreakingTheGlassOpensEvery(_ backend: IndexBackend) async throws {
        let fixtures = try ArchiveFixtures(backend: backend)
        defer { fixtures.remove() }
        let archive = try await restrictedArchive(fixtures)
        var policy = AccessPolicy.builtIn
        policy.define(RoleDefinition(name: "radiologist", actions: [.query, .retrieve], view: .full, accessGroups: ["staff"], mayBreakTheGlass: true))
        #expect(try studies(archive, try await grant(.query, policy: policy)) == ["1.2.826.0.1.1", Self.abdomenCT, "1.2.826.0.3.1"])

        let emergency = try await grant(.query, purpose: AccessPolicy.defaultEmergencyPurpose)
        #expect(emergency.brokeTheGlass)
        #expect(try studies(archive, emergency) == ["1.2.826.0.1.1", Self.headMR, Self.abdomenCT, "1.2.826.0.3.1"])

        // A researcher may not break the glass: the emergency purpose opens nothing for it.
        let researcher = try await grant(.query, roles: ["researcher"], purpose: AccessPolicy.defaultEmergencyPurpose)
        #expect(!researcher.brokeTheGlass)
        #expect(try studies(archive, researcher).count == 2)
    }

    @Test(arguments: IndexBackend.allForTests)
    func liftingARestrictionShowsTheStudyAgainAndUnknownStudiesAreSaid(_ backend: IndexBackend) async throws {
        let fixtures = try ArchiveFixtures(backend: backend)
        defer { fixtures.remove() }
        let archive = try await restrictedArchive(fixtures)
        let administer = try await ArchiveFixtures.grant(.administer)
        #expect(try archive.restrictedStudies(grant: administer).map(\.group) == ["vip", "staff"])
        #expect(try await archive.restrict(studyInstanceUID: Self.headMR, to: nil, grant: administer))
        #expect(try studies(archive, try await grant(.query)).contains(Self.headMR))
        #expect(try await !archive.restrict(studyInstanceUID: "1.2.3.4.5", to: "vip", grant: administer))
        await #expect(throws: ArchiveError.self) {
            try await archive.restrict(studyInstanceUID: Self.headMR, to: "vip", grant: try await grant(.query))
        }
    }
}
