import Access
import Crypto
import DICOM
import DICOMNetwork
import Foundation
import Testing
@testable import Archive

@Suite struct ArchiveStoreTests {
    static let sopUID = DICOM.Tag(0x0008, 0x0018), studyUID = DICOM.Tag(0x0020, 0x000D), seriesUID = DICOM.Tag(0x0020, 0x000E)
    static let description = DICOM.Tag(0x0008, 0x1030), patientID = DICOM.Tag(0x0010, 0x0020)

    @Test func theEmbeddedIndexSyncsEveryCommitToDisk() throws {
        let fixtures = try ArchiveFixtures(backend: .sqlite)
        defer { fixtures.remove() }
        let archive = try fixtures.archive()
        // 2 is FULL: the WAL is synced at every commit (GRDB's pool alone leaves NORMAL, 1).
        let mode = try archive.index.write("test") { db in try db.fetchOne("PRAGMA synchronous")?.requiredInteger("synchronous") }
        #expect(mode == 2)
    }

    @Test(arguments: IndexBackend.allForTests)
    func storedObjectIsIndexedAndItsBlobIsAZeroPreambleCopy(_ backend: IndexBackend) async throws {
        let fixtures = try ArchiveFixtures(backend: backend)
        defer { fixtures.remove() }
        let archive = try fixtures.archive()
        let source = try fixtures.write(ArchiveFixtures.dataSet(ArchiveFixtures.instances[0]), name: "one")
        try Self.plantPreamble(in: source)

        let outcome = try await archive.store(file: source, moving: false, grant: try await ArchiveFixtures.grant(.store))
        guard case .stored(let stored) = outcome else { Issue.record("\(outcome)"); return }
        #expect(stored.blobPath == "1.2.826.0.1.1/1.2.826.0.1.1.1/1.2.826.0.1.1.1.1.dcm")
        #expect(FileManager.default.fileExists(atPath: source), "a copy leaves the source alone")
        let blob = try [UInt8](Data(contentsOf: URL(fileURLWithPath: fixtures.blobFile(stored))))
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: source)))
        #expect(blob[0..<128].allSatisfy { $0 == 0 })
        #expect(blob[128...] == original[128...])
        #expect(stored.size == original.count)
        // The digest recorded at ingest is the blob's as filed, and the index returns it.
        #expect(stored.sha256 == Self.hex(SHA256.hash(data: blob)))
        let query = try ArchiveFixtures.query("IMAGE", .studyRoot, [(Self.studyUID, .UI, stored.studyInstanceUID),
                                                                    (Self.seriesUID, .UI, stored.seriesInstanceUID),
                                                                    (Self.sopUID, .UI, stored.sopInstanceUID)], operation: .move)
        let indexed = try archive.instances(matching: query, grant: try await ArchiveFixtures.grant(.retrieve))
        #expect(indexed.map(\.sha256) == [stored.sha256])
        let attributes = try FileManager.default.attributesOfItem(atPath: fixtures.blobFile(stored))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test(arguments: IndexBackend.allForTests)
    func movingTakesTheFileAndZeroesAPlantedPreamble(_ backend: IndexBackend) async throws {
        let fixtures = try ArchiveFixtures(backend: backend)
        defer { fixtures.remove() }
        let archive = try fixtures.archive()
        let grant = try await ArchiveFixtures.grant(.store)
        let clean = try fixtures.write(ArchiveFixtures.dataSet(ArchiveFixtures.instances[0]), name: "clean")
        let planted = try fixtures.write(ArchiveFixtures.dataSet(ArchiveFixtures.instances[1]), name: "planted")
        try Self.plantPreamble(in: planted)

        for source in [clean, planted] {
            let outcome = try await archive.store(file: source, moving: true, grant: grant)
            guard case .stored(let stored) = outcome else { Issue.record("\(outcome)"); continue }
            #expect(!FileManager.default.fileExists(atPath: source))
            let blob = try [UInt8](Data(contentsOf: URL(fileURLWithPath: fixtures.blobFile(stored))))
            #expect(blob[0..<128].allSatisfy { $0 == 0 })
            #expect(Array(blob[128..<132]) == Array("DICM".utf8))
            #expect(stored.sha256 == Self.hex(SHA256.hash(data: blob)))
        }
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }

    @Test(arguments: IndexBackend.allForTests, [DuplicatePolicy.keep, .replace, .reject])
    func duplicatePolicyDecidesWhatHappensToASecondCopy(_ backend: IndexBackend, _ policy: DuplicatePolicy) async throws {
        let fixtures = try ArchiveFixtures(backend: backend)
        defer { fixtures.remove() }
        let archive = try fixtures.archive(duplicatePolicy: policy)
        let grant = try await ArchiveFixtures.grant(.store)
        var first = ArchiveFixtures.instances[0]
        first.studyDescription = "First"
        var second = first
        second.studyDescription = "Second"
        _ = try await archive.store(file: try fixtures.write(ArchiveFixtures.dataSet(first), name: "a"), moving: false, grant: grant)
        let outcome = try await archive.store(file: try fixtures.write(ArchiveFixtures.dataSet(second), name: "b"), moving: false, grant: grant)

        switch (policy, outcome) {
        case (.keep, .duplicateKept), (.replace, .replaced), (.reject, .rejected(.duplicate)): break
        default: Issue.record("policy \(policy) gave \(outcome)")
        }
        let query = try ArchiveFixtures.query("STUDY", .studyRoot, [(Self.description, .LO, ""), (DICOM.Tag(0x0020, 0x1208), .IS, "")])
        let found = try archive.find(query, grant: try await ArchiveFixtures.grant(.query))
        #expect(found.count == 1)
        #expect(found.first?[Self.description]?.string == (policy == .replace ? "Second" : "First"))
        #expect(found.first?[DICOM.Tag(0x0020, 0x1208)]?.string == "1")
        #expect(try archive.counts(grant: try await ArchiveFixtures.grant(.administer)).instances == 1)
        let blob = try DICOMFile(contentsOf: fixtures.archiveFolder + "/blobs/1.2.826.0.1.1/1.2.826.0.1.1.1/1.2.826.0.1.1.1.1.dcm")
        #expect(blob.dataSet[Self.description]?.string == (policy == .replace ? "Second" : "First"))
    }

    @Test(arguments: IndexBackend.allForTests)
    func replacementThatMovesToAnotherSeriesLeavesNoStaleBlobOrEntity(_ backend: IndexBackend) async throws {
        let fixtures = try ArchiveFixtures(backend: backend)
        defer { fixtures.remove() }
        let archive = try fixtures.archive(duplicatePolicy: .replace)
        let grant = try await ArchiveFixtures.grant(.store)
        let first = ArchiveFixtures.instances[0]
        var moved = first
        moved.series = "1.2.826.0.1.1.9"
        moved.modality = "MR"
        guard case .stored(let old) = try await archive.store(file: try fixtures.write(ArchiveFixtures.dataSet(first), name: "a"), moving: false, grant: grant),
              case .replaced(let new) = try await archive.store(file: try fixtures.write(ArchiveFixtures.dataSet(moved), name: "b"), moving: false, grant: grant)
        else { Issue.record("not stored then replaced"); return }
        #expect(!FileManager.default.fileExists(atPath: fixtures.blobFile(old)))
        #expect(FileManager.default.fileExists(atPath: fixtures.blobFile(new)))
        #expect(try archive.counts(grant: try await ArchiveFixtures.grant(.administer)) == ArchiveCounts(patients: 1, studies: 1, series: 1, instances: 1))
        let query = try ArchiveFixtures.query("STUDY", .studyRoot, [(DICOM.Tag(0x0008, 0x0061), .CS, "")])
        let expected = ArchiveFixtures.referenceIndex([moved]).find(query).map { query.response(for: $0) }
        #expect(try archive.find(query, grant: try await ArchiveFixtures.grant(.query)) == expected)
    }

    @Test(arguments: IndexBackend.allForTests, ["../x", "1.2.3/..", String(repeating: "1", count: 65), "", "1..2", "1.02", "..", "1.2.3\u{0}.4", " 1.2"])
    func hostileUIDIsRefusedAndNothingIsWritten(_ backend: IndexBackend, _ uid: String) async throws {
        let fixtures = try ArchiveFixtures(backend: backend)
        defer { fixtures.remove() }
        let archive = try fixtures.archive()
        let grant = try await ArchiveFixtures.grant(.store)
        for tag in [Self.sopUID, Self.studyUID, Self.seriesUID] {
            var dataSet = ArchiveFixtures.dataSet(ArchiveFixtures.instances[0])
            dataSet.insert(DataElement(tag: tag, vr: .UI, bytes: ArchiveFixtures.padded(uid)))
            let path = try fixtures.write(dataSet, name: "hostile")
            let outcome = try await archive.store(file: path, moving: true, grant: grant)
            switch outcome {
            case .rejected(.invalidUID), .rejected(.missingAttribute), .rejected(.metaMismatch): break
            default: Issue.record("\(uid.debugDescription) in \(tag) gave \(outcome)")
            }
            #expect(FileManager.default.fileExists(atPath: path), "a refused file stays with its owner")
        }
        #expect(try fixtures.blobFiles().isEmpty)
        #expect(try archive.counts(grant: try await ArchiveFixtures.grant(.administer)) == ArchiveCounts(patients: 0, studies: 0, series: 0, instances: 0))
        #expect(!FileManager.default.fileExists(atPath: fixtures.folder + "/x"))
    }

    @Test(arguments: IndexBackend.allForTests)
    func unreadableFileIsRejected(_ backend: IndexBackend) async throws {
        let fixtures = try ArchiveFixtures(backend: backend)
        defer { fixtures.remove() }
        let archive = try fixtures.archive()
        let path = fixtures.folder + "/junk.dcm"
        try Data("not dicom at all".utf8).write(to: URL(fileURLWithPath: path))
        let outcome = try await archive.store(file: path, moving: true, grant: try await ArchiveFixtures.grant(.store))
        guard case .rejected(.unreadable) = outcome else { Issue.record("\(outcome)"); return }
        #expect(try fixtures.blobFiles().isEmpty)
    }

    @Test(arguments: IndexBackend.allForTests)
    func pixelDataEncapsulatedOutsideAnEncapsulatedSyntaxIsRejected(_ backend: IndexBackend) async throws {
        let fixtures = try ArchiveFixtures(backend: backend)
        defer { fixtures.remove() }
        let archive = try fixtures.archive()
        let rle = try #require(TransferSyntax.known.first { $0.uid == "1.2.840.10008.1.2.5" })
        var encapsulated = ArchiveFixtures.dataSet(ArchiveFixtures.instances[0])
        encapsulated.insert(DataElement(tag: Tag(0x7FE0, 0x0010), vr: .OB, value: .encapsulated(EncapsulatedPixelData(fragments: [.inline([1, 2])]))))
        var native = ArchiveFixtures.dataSet(ArchiveFixtures.instances[1])
        native.insert(DataElement(tag: Tag(0x7FE0, 0x0010), vr: .OW, bytes: [1, 2, 3, 4]))
        for (name, dataSet, syntax) in [("encapsulated-in-native", encapsulated, TransferSyntax.explicitVRLittleEndian),
                                        ("native-in-rle", native, rle)] {
            let path = fixtures.folder + "/\(name).dcm"
            try DICOMFile(meta: DataSet(), dataSet: dataSet, transferSyntax: syntax).write(toPath: path)
            let outcome = try await archive.store(file: path, moving: true, grant: try await ArchiveFixtures.grant(.store))
            guard case .rejected(.unreadable) = outcome else { Issue.record("\(name): \(outcome)"); continue }
        }
        #expect(try fixtures.blobFiles().isEmpty)
    }

    @Test(arguments: IndexBackend.allForTests)
    func studyUnderASecondPatientIsRefused(_ backend: IndexBackend) async throws {
        let fixtures = try ArchiveFixtures(backend: backend)
        defer { fixtures.remove() }
        let archive = try fixtures.archive()
        let grant = try await ArchiveFixtures.grant(.store)
        _ = try await archive.store(file: try fixtures.write(ArchiveFixtures.dataSet(ArchiveFixtures.instances[0]), name: "a"), moving: false, grant: grant)
        var other = ArchiveFixtures.instances[1]
        other.patientID = "SOMEONE-ELSE"
        let outcome = try await archive.store(file: try fixtures.write(ArchiveFixtures.dataSet(other), name: "b"), moving: false, grant: grant)
        guard case .rejected(.hierarchyConflict) = outcome else { Issue.record("\(outcome)"); return }
        #expect(try fixtures.blobFiles().count == 1)
    }

    /// Stores filed together are decided as if one after another: of one study sent under two
    /// Patient IDs at once, the objects of whichever patient comes first are filed, the others
    /// refused as a conflict.
    @Test(arguments: IndexBackend.allForTests)
    func oneStudyUnderTwoPatientsAtOnceIsFiledUnderOne(_ backend: IndexBackend) async throws {
        let fixtures = try ArchiveFixtures(backend: backend)
        defer { fixtures.remove() }
        let archive = try fixtures.archive()
        let objects = try (0..<8).map { number in
            var instance = ArchiveFixtures.instances[0]
            instance.sop = "1.2.826.0.9.8.\(number)"
            if number.isMultiple(of: 2) { instance.patientID = "SOMEONE-ELSE" }
            return (instance: instance, path: try fixtures.write(ArchiveFixtures.dataSet(instance), name: "c\(number)"))
        }
        let outcomes = await ArchiveFixtures.storeAtOnce(objects, in: archive, grant: try await ArchiveFixtures.grant(.store))
        var filedPatients = Set<String>(), conflicts = 0
        for (sop, outcome) in outcomes {
            switch outcome {
            case .success(.stored(let stored)): filedPatients.insert(stored.patientID)
            case .success(.rejected(.hierarchyConflict)): conflicts += 1
            default: Issue.record("\(sop): \(outcome)")
            }
        }
        #expect(filedPatients.count == 1)
        #expect(conflicts == 4)
        #expect(try fixtures.blobFiles().count == 4)
    }

    @Test(arguments: IndexBackend.allForTests)
    func everyEntryPointRefusesAGrantForAnotherAction(_ backend: IndexBackend) async throws {
        let fixtures = try ArchiveFixtures(backend: backend)
        defer { fixtures.remove() }
        let archive = try fixtures.archive()
        let path = try fixtures.write(ArchiveFixtures.dataSet(ArchiveFixtures.instances[0]), name: "a")
        let query = try ArchiveFixtures.query("STUDY", .studyRoot, [(Self.studyUID, .UI, "")])
        let move = try ArchiveFixtures.query("STUDY", .studyRoot, [(Self.studyUID, .UI, "1.2.826.0.1.1")], operation: .move)
        for action in AccessAction.allCases {
            let grant = try await ArchiveFixtures.grant(action)
            if action != .store {
                await #expect(throws: ArchiveError.self) { try await archive.store(file: path, moving: false, grant: grant) }
            }
            if action != .query { #expect(throws: ArchiveError.self) { try archive.find(query, grant: grant) } }
            if action != .retrieve { #expect(throws: ArchiveError.self) { try archive.instances(matching: move, grant: grant) } }
            if action != .delete {
                await #expect(throws: ArchiveError.self) { try await archive.delete(studyInstanceUID: "1.2.826.0.1.1", grant: grant) }
            }
            if action != .administer { #expect(throws: ArchiveError.self) { try archive.counts(grant: grant) } }
            if action != .store {
                #expect(throws: ArchiveError.self) {
                    try archive.presence(of: [SOPReference(sopClassUID: ArchiveFixtures.ctImage, sopInstanceUID: "1.2.826.0.1.1.1.1")], grant: grant)
                }
            }
        }
        #expect(try fixtures.blobFiles().isEmpty, "nothing was stored with a wrong grant")
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test(arguments: IndexBackend.allForTests)
    func presenceTellsCommittableInstancesFromAbsentMisclassedAndFileless(_ backend: IndexBackend) async throws {
        let fixtures = try ArchiveFixtures(backend: backend)
        defer { fixtures.remove() }
        let archive = try fixtures.archive()
        let grant = try await ArchiveFixtures.grant(.store)
        var stored: [StoredInstance] = []
        for (index, instance) in ArchiveFixtures.instances.prefix(2).enumerated() {
            let outcome = try await archive.store(file: try fixtures.write(ArchiveFixtures.dataSet(instance), name: "\(index)"),
                                                  moving: true, grant: grant)
            guard case .stored(let one) = outcome else { Issue.record("\(outcome)"); return }
            stored.append(one)
        }
        #expect(unlink(fixtures.blobFile(stored[1])) == 0)
        let references = [
            SOPReference(sopClassUID: ArchiveFixtures.ctImage, sopInstanceUID: stored[0].sopInstanceUID),
            SOPReference(sopClassUID: ArchiveFixtures.mrImage, sopInstanceUID: stored[0].sopInstanceUID),
            SOPReference(sopClassUID: ArchiveFixtures.ctImage, sopInstanceUID: "1.2.826.0.9.9.9"),
            SOPReference(sopClassUID: ArchiveFixtures.ctImage, sopInstanceUID: "../../etc/passwd"),
            SOPReference(sopClassUID: ArchiveFixtures.ctImage, sopInstanceUID: stored[1].sopInstanceUID),
        ]
        #expect(try archive.presence(of: references, grant: grant)
            == [.present, .otherClass(archived: ArchiveFixtures.ctImage), .absent, .absent, .fileMissing])
    }

    @Test(arguments: IndexBackend.allForTests)
    func concurrentStoresOfTheSameObjectsKeepOneCopyEach(_ backend: IndexBackend) async throws {
        let fixtures = try ArchiveFixtures(backend: backend)
        defer { fixtures.remove() }
        let archive = try fixtures.archive()
        let grant = try await ArchiveFixtures.grant(.store)
        let paths = try fixtures.writeAll()
        let outcomes = try await withThrowingTaskGroup(of: StoreOutcome.self) { group in
            for path in paths + paths {
                group.addTask { try await archive.store(file: path, moving: false, grant: grant) }
            }
            return try await group.reduce(into: [StoreOutcome]()) { $0.append($1) }
        }
        #expect(outcomes.filter { if case .stored = $0 { true } else { false } }.count == paths.count)
        #expect(outcomes.filter { if case .duplicateKept = $0 { true } else { false } }.count == paths.count)
        #expect(try fixtures.blobFiles().count == paths.count)
        #expect(try archive.counts(grant: try await ArchiveFixtures.grant(.administer)) == ArchiveCounts(patients: 3, studies: 4, series: 5, instances: 6))
    }

    /// A crash in the middle of a full batch leaves no more blobs without a row than recovery
    /// removes on its own: the archive would otherwise refuse to open after it.
    @Test func whatACrashInABatchLeavesRecoveryRemoves() {
        #expect(2 * Archive.filingBatchLimit + 1 <= unindexedLimit)
        #expect(Archive.filingBatchLimit > 1)
    }

    /// Stores filed together share one index transaction: one whose row the index refuses (a
    /// trigger planted for the test) fails alone and leaves no blob, the others are filed.
    @Test func aStoreTheIndexRefusesFailsAloneAmongThoseFiledWithIt() async throws {
        let fixtures = try ArchiveFixtures(backend: .sqlite)
        defer { fixtures.remove() }
        let archive = try fixtures.archive()
        let poisoned = "1.2.826.0.9.7.5"
        try archive.index.write("plant a trigger") { db in
            try db.execute("""
                CREATE TRIGGER refuse_one BEFORE INSERT ON instance WHEN NEW.sopInstanceUID = '\(poisoned)'
                BEGIN SELECT RAISE(ABORT, 'refused for the test'); END
                """)
        }
        let objects = try fixtures.numbered(24, root: "1.2.826.0.9.7")
        let outcomes = await ArchiveFixtures.storeAtOnce(objects, in: archive, grant: try await ArchiveFixtures.grant(.store))
        for (sop, outcome) in outcomes {
            switch (sop == poisoned, outcome) {
            case (true, .failure), (false, .success(.stored)): break
            default: Issue.record("\(sop): \(outcome)")
            }
        }
        #expect(outcomes.count == objects.count)
        #expect(try fixtures.blobFiles().count == objects.count - 1)
        #expect(try archive.counts(grant: try await ArchiveFixtures.grant(.administer)).instances == objects.count - 1)
    }

    /// Writes "MZ" and a marker into the preamble, as a polyglot executable would.
    // MARK: Staging while the gate decides

    struct Refused: Error {}

    /// The copies in the blob store's staging folder (none when it was never made).
    static func stagedCopies(_ fixtures: ArchiveFixtures) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: BlobStore(root: fixtures.archiveFolder + "/blobs").stagingFolder)) ?? []
    }

    /// Waits, at most 10 s, for a staged copy to appear (the gate's side of a store).
    static func waitForAStagedCopy(_ fixtures: ArchiveFixtures) async throws {
        for _ in 0..<2_000 where stagedCopies(fixtures).isEmpty { try await Task.sleep(for: .milliseconds(5)) }
    }

    /// A file the archive takes over is staged while the gate decides (its sync overlaps the
    /// audit record's): a planted preamble makes the staged copy visible before the grant.
    @Test func aMovedFileIsStagedWhileTheGateDecides() async throws {
        let fixtures = try ArchiveFixtures(backend: .sqlite)
        defer { fixtures.remove() }
        let archive = try fixtures.archive()
        let source = try fixtures.write(ArchiveFixtures.dataSet(ArchiveFixtures.instances[0]), name: "one")
        try Self.plantPreamble(in: source)
        let outcome = try await archive.store(file: source, moving: true) { _ in
            try await Self.waitForAStagedCopy(fixtures)
            #expect(Self.stagedCopies(fixtures).count == 1, "the copy is staged before the grant is given")
            return try await ArchiveFixtures.grant(.store)
        }
        guard case .stored(let stored) = outcome else { Issue.record("\(outcome)"); return }
        #expect(FileManager.default.fileExists(atPath: fixtures.blobFile(stored)))
        #expect(Self.stagedCopies(fixtures).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: source), "a moved file is the archive's once stored")
    }

    /// What was staged for a store the gate refuses is removed, and the caller keeps its file.
    @Test func aRefusedStoreLeavesNoStagedCopy() async throws {
        let fixtures = try ArchiveFixtures(backend: .sqlite)
        defer { fixtures.remove() }
        let archive = try fixtures.archive()
        let source = try fixtures.write(ArchiveFixtures.dataSet(ArchiveFixtures.instances[0]), name: "one")
        try Self.plantPreamble(in: source)
        await #expect(throws: Refused.self) {
            try await archive.store(file: source, moving: true) { _ in
                try await Self.waitForAStagedCopy(fixtures)
                throw Refused()
            }
        }
        #expect(Self.stagedCopies(fixtures).isEmpty)
        #expect(try fixtures.blobFiles().isEmpty)
        #expect(FileManager.default.fileExists(atPath: source))
    }

    /// A duplicate the policy keeps was staged before the index was asked: the copy goes, the
    /// archived object and the caller's file stay.
    @Test func aDuplicateStagedWhileTheGateDecidedIsDiscarded() async throws {
        let fixtures = try ArchiveFixtures(backend: .sqlite)
        defer { fixtures.remove() }
        let archive = try fixtures.archive(duplicatePolicy: .keep)
        let first = try fixtures.write(ArchiveFixtures.dataSet(ArchiveFixtures.instances[0]), name: "first")
        let again = try fixtures.write(ArchiveFixtures.dataSet(ArchiveFixtures.instances[0]), name: "again")
        try Self.plantPreamble(in: again)
        let grant = try await ArchiveFixtures.grant(.store)
        guard case .stored = try await archive.store(file: first, moving: true, authorize: { _ in grant }) else {
            Issue.record("the first store was not filed"); return
        }
        let outcome = try await archive.store(file: again, moving: true, authorize: { _ in grant })
        guard case .duplicateKept = outcome else { Issue.record("\(outcome)"); return }
        #expect(Self.stagedCopies(fixtures).isEmpty)
        #expect(try fixtures.blobFiles().count == 1)
        #expect(FileManager.default.fileExists(atPath: again), "a file not stored stays for the caller to remove")
    }

    static func plantPreamble(in path: String) throws {
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[0] = 0x4D
        bytes[1] = 0x5A
        bytes[64] = 0xCC
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}
