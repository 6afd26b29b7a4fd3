import Foundation
import Testing
@testable import Archive

/// Copying one archive into another (`rampart migrate`): what is copied, what is found there
/// already, and what is refused. (test_migrate.py runs it onto PostgreSQL and S3.)
@Suite struct ArchiveMigrationTests {
    @Test func copiesWhatTheTargetLacksSkipsItsCopiesAndRefusesAnotherObjectOfAUID() async throws {
        let source = try ArchiveFixtures(), target = try ArchiveFixtures()
        defer { source.remove(); target.remove() }
        let from = try source.archive(), to = try target.archive()
        let store = try await ArchiveFixtures.grant(.store), read = try await ArchiveFixtures.grant(.retrieve)
        for (number, instance) in ArchiveFixtures.instances.prefix(3).enumerated() {
            _ = try await from.store(file: try source.write(ArchiveFixtures.dataSet(instance), name: "s\(number)"), moving: false, grant: store)
        }
        // The target holds fixture 1 already, and another object under fixture 2's UID.
        _ = try await to.store(file: try target.write(ArchiveFixtures.dataSet(ArchiveFixtures.instances[1]), name: "t1"), moving: false, grant: store)
        var other = ArchiveFixtures.instances[2]
        other.accession = "OTHER"
        _ = try await to.store(file: try target.write(ArchiveFixtures.dataSet(other), name: "t2"), moving: false, grant: store)

        let migration = ArchiveMigration(from: from, to: to)
        let report = try await migration.run(read: read, store: store)
        #expect(report.copied == 1 && report.alreadyThere == 1 && report.verified == 2)
        #expect(report.failures.map(\.sopInstanceUID) == [ArchiveFixtures.instances[2].sop])
        #expect(report.failures.first?.reason.contains("another object of this SOP Instance UID") == true)

        let again = try await migration.run(read: read, store: store, verify: false)
        #expect(again.copied == 0 && again.alreadyThere == 2 && again.verified == 0 && again.failures.count == 1)
        await #expect(throws: ArchiveError.self) { try await migration.run(read: store, store: store) }
    }
}
