#if canImport(Glibc)
import Glibc
#endif
import CoreMetrics
import Crypto
import DICOM
import Foundation
import Synchronization
import Testing
@testable import Archive

/// Stores through a blob storage that fails writes and fsyncs on purpose: an object whose store
/// was acknowledged is intact and found after a restart; one whose store failed is nowhere to be
/// found (the sender retries it); nothing half-written survives recovery.
@Suite struct ArchiveFaultTests {
    /// The local folder, failing a stage (a write or its fsync) or a commit (before the rename,
    /// or after it: a folder fsync that fails) at the rates given, from a seeded generator.
    final class FaultyBlobStore: BlobStorage {
        let folder: BlobStore
        private let random: Mutex<SplitMix64>
        let stageFailures: Double, commitFailures: Double

        init(folder: BlobStore, seed: UInt64, stageFailures: Double, commitFailures: Double) {
            self.folder = folder
            random = Mutex(SplitMix64(seed: seed))
            self.stageFailures = stageFailures
            self.commitFailures = commitFailures
        }

        private func fails(_ rate: Double) -> Bool { random.withLock { Double($0.next() % 10_000) / 10_000 < rate } }

        func stage(file source: String, key: BlobKey, moving: Bool) async throws(BlobStoreError) -> StagedBlob {
            if fails(stageFailures) { throw .cannotWrite(path: source, errno: EIO) }
            return try await folder.stage(file: source, key: key, moving: moving)
        }
        var stagesLocally: Bool { true }

        func commit(_ staged: StagedBlob, key: BlobKey) throws(BlobStoreError) -> String {
            guard fails(commitFailures) else { return try folder.commit(staged, key: key) }
            // Half before the rename, half after it (the folder's fsync failed).
            if fails(0.5) { _ = try folder.commit(staged, key: key) }
            throw .cannotWrite(path: folder.root, errno: EIO)
        }

        func discard(_ staged: StagedBlob) async { folder.discard(staged) }
        func removeOrDefer(_ blobPath: String) -> String? { folder.removeOrDefer(blobPath) }
        func remove(_ blobPath: String) async { folder.remove(blobPath) }
        func isPresent(_ blobPath: String) -> Bool { folder.isPresent(blobPath) }
        func localBlob(_ blobPath: String, sha256: String?) async throws(BlobStoreError) -> LocalBlob {
            folder.localBlob(blobPath, sha256: sha256)
        }
        func recover(index: ArchiveIndex) throws(ArchiveError) -> RecoveryReport { try folder.recover(index: index) }
        func blobsWritten(before cutoff: Date) -> [String] { [] }
        var localFolder: String { folder.root }
        var location: String { folder.root }
    }

    /// A small seedable generator (SplitMix64), so a failing run can be repeated.
    struct SplitMix64 {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Three seeds in `make test`; `make soak` sets RAMPART_FAULT_SEEDS to run many.
    static let seeds: [UInt64] = Array(1...UInt64(ProcessInfo.processInfo.environment["RAMPART_FAULT_SEEDS"].flatMap { UInt64($0) } ?? 3))

    @Test(arguments: seeds)
    func acknowledgedObjectsSurviveFailingWritesAndFailedOnesLeaveNothing(seed: UInt64) async throws {
        let fixtures = try ArchiveFixtures()
        defer { fixtures.remove() }
        let objects = try fixtures.numbered(60, root: "1.2.826.0.9.\(seed)")
        let grant = try await ArchiveFixtures.grant(.store)
        var acknowledged: [String: StoredInstance] = [:]
        var failed: [String] = []
        do {
            let archive = try Archive(directory: fixtures.archiveFolder, duplicatePolicy: .keep, index: .embedded,
                                      metrics: NOOPMetricsHandler.instance) { directory throws(BlobStoreError) in
                FaultyBlobStore(folder: try BlobStore(root: directory + "/blobs"), seed: seed, stageFailures: 0.15, commitFailures: 0.15)
            }
            let outcomes = await ArchiveFixtures.storeAtOnce(objects, in: archive, grant: grant)
            for (sop, outcome) in outcomes {
                switch outcome {
                case .success(.stored(let stored)): acknowledged[sop] = stored
                case .success(let other): Issue.record("\(sop): \(other)")
                case .failure: failed.append(sop)
                }
            }
        }
        #expect(!acknowledged.isEmpty && !failed.isEmpty, "the faults hit some stores and spared others")

        // A restart: recovery runs over what the failures left.
        let reopened = try Archive(directory: fixtures.archiveFolder)
        let read = try await ArchiveFixtures.grant(.retrieve)
        #expect(try reopened.counts(grant: try await ArchiveFixtures.grant(.administer)).instances == acknowledged.count)
        for stored in acknowledged.values {
            let blob = try await reopened.localBlob(of: stored, grant: read)
            let digest = SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: blob.path))).map { String(format: "%02x", $0) }.joined()
            blob.release()
            #expect(digest == stored.sha256, "\(stored.sopInstanceUID) is intact")
        }
        let query = try ArchiveFixtures.query("IMAGE", .studyRoot, [(ArchiveTag.sopInstanceUID, .UI, "")])
        let found = Set(try reopened.find(query, grant: try await ArchiveFixtures.grant(.query)).compactMap { $0.string(ArchiveTag.sopInstanceUID) })
        #expect(found == Set(acknowledged.keys))
        #expect(found.isDisjoint(with: failed))
        // Only the acknowledged objects' files are left in the blob folder.
        #expect(Set(try fixtures.blobFiles()) == Set(acknowledged.values.map(\.blobPath)))
    }
}
