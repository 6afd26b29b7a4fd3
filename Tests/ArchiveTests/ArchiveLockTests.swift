import Foundation
import Testing
@testable import Archive
#if canImport(Glibc)
import Glibc
#endif

@Suite struct ArchiveLockTests {
    @Test func aSecondOpenIsRefusedAndNamesTheHolderUntilTheFirstIsReleased() throws {
        let fixtures = try ArchiveFixtures()
        defer { fixtures.remove() }
        do {
            let first = try Archive(directory: fixtures.archiveFolder)
            #expect(first.recoveryReport.isClean)
            #expect(throws: ArchiveError.self) { try Archive(directory: fixtures.archiveFolder) }
            do {
                _ = try Archive(directory: fixtures.archiveFolder)
            } catch {
                guard case let .inUse(directory, holder) = error else { Issue.record("\(error)"); return }
                #expect(directory == fixtures.archiveFolder)
                #expect(holder == getpid())
                #expect("\(error)".contains("open by another rampart process (pid \(getpid()))"))
            }
            withExtendedLifetime(first) {}
        }
        // The lock goes with the archive that held it.
        _ = try Archive(directory: fixtures.archiveFolder)
    }

    @Test func recoveryInARefusedOpenLeavesAWriteInProgressAlone() async throws {
        let fixtures = try ArchiveFixtures()
        defer { fixtures.remove() }
        let archive = try Archive(directory: fixtures.archiveFolder)
        // What a store in progress has staged (durable, not yet indexed): recovery in a second
        // process would take it for the leftover of a crash.
        let path = try fixtures.write(ArchiveFixtures.dataSet(ArchiveFixtures.instances[0]), name: "a")
        let key = try BlobKey(study: "1.2.826.0.1.1", series: "1.2.826.0.1.1.1", instance: "1.2.826.0.1.1.1.1")
        let staged = try await archive.blobs.stage(file: path, key: key, moving: false)

        #expect(throws: ArchiveError.self) { try Archive(directory: fixtures.archiveFolder) }
        #expect(FileManager.default.fileExists(atPath: staged.path))
        await archive.blobs.discard(staged)
        #expect(!FileManager.default.fileExists(atPath: staged.path))
    }
}
