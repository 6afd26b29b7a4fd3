import Access
import Crypto
import DICOM
import Foundation
import ObjectStorage
import Testing
@testable import Archive

/// Blobs sealed at rest in the local folder (`archive.encryption_key_file`): what is on the
/// disk is unreadable without the key, and what a reader gets is the object as filed.
@Suite struct ArchiveSealedBlobTests {
    static func sealing(_ key: SymmetricKey, named name: String = "/keys/archive-key") -> BlobSealing {
        BlobSealing(keyFile: name, keys: KeyFileProvider(key: key))
    }

    static func sealedArchive(_ fixtures: ArchiveFixtures, key: SymmetricKey, keyName: String = "/keys/archive-key") throws -> Archive {
        try Archive(directory: fixtures.archiveFolder, blobs: .localFolder, sealing: sealing(key, named: keyName))
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Every regular file below `folder`.
    static func files(below folder: String) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: folder)
        var files: [String] = []
        while let next = enumerator?.nextObject() as? String {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder + "/" + next, isDirectory: &isFolder), !isFolder.boolValue {
                files.append(folder + "/" + next)
            }
        }
        return files
    }

    @Test func aSealedStoreReadsBackAsTheZeroPreambleObjectWithItsPlaintextDigest() async throws {
        let fixtures = try ArchiveFixtures()
        defer { fixtures.remove() }
        let archive = try Self.sealedArchive(fixtures, key: SymmetricKey(size: .bits256))
        let source = try fixtures.write(ArchiveFixtures.dataSet(ArchiveFixtures.instances[0]), name: "one")
        try ArchiveStoreTests.plantPreamble(in: source)
        let original = try Self.bytes(source)

        let outcome = try await archive.store(file: source, moving: false, grant: try await ArchiveFixtures.grant(.store))
        guard case .stored(let stored) = outcome else { Issue.record("\(outcome)"); return }
        let blob = try await archive.localBlob(of: stored, grant: try await ArchiveFixtures.grant(.retrieve))
        defer { blob.release() }
        #expect(blob.path.hasPrefix("/proc/self/fd/"), "decrypted into memory, not onto the disk")
        let read = try Self.bytes(blob.path)
        #expect(read[0..<128].allSatisfy { $0 == 0 })
        #expect(read[128...] == original[128...])
        #expect(stored.size == original.count)
        #expect(stored.sha256 == Hex.lowercase(SHA256.hash(data: read)), "the index keeps the plaintext's digest")
        let file = try DICOMFile(contentsOf: blob.path)
        #expect(file.dataSet.string(ArchiveStoreTests.patientID) == "PAT1")
    }

    @Test func theBlobFolderHoldsNoneOfThePatientsValues() async throws {
        let fixtures = try ArchiveFixtures()
        defer { fixtures.remove() }
        let archive = try Self.sealedArchive(fixtures, key: SymmetricKey(size: .bits256))
        let grant = try await ArchiveFixtures.grant(.store)
        for path in try fixtures.writeAll() {
            guard case .stored = try await archive.store(file: path, moving: true, grant: grant) else { Issue.record("not stored"); return }
        }
        let blobs = Self.files(below: fixtures.archiveFolder + "/blobs")
        #expect(blobs.count == ArchiveFixtures.instances.count)
        let secrets = Set(ArchiveFixtures.instances.flatMap { [$0.patientName, $0.patientID, $0.accession, $0.studyDescription] }.filter { $0.count >= 3 })
        for blob in blobs {
            let bytes = try Self.bytes(blob)
            #expect(Array(bytes.prefix(6)) == Array("RPSEAL".utf8))
            for secret in secrets {
                #expect(!Self.contains(bytes, Array(secret.utf8)), "a sealed blob holds a patient's value in the clear")
            }
        }
    }

    @Test func aBlobSealedWithAnotherKeyNamesTheKeyFileToCheck() async throws {
        let fixtures = try ArchiveFixtures()
        defer { fixtures.remove() }
        var stored: StoredInstance?
        do {
            let archive = try Self.sealedArchive(fixtures, key: SymmetricKey(size: .bits256))
            let source = try fixtures.write(ArchiveFixtures.dataSet(ArchiveFixtures.instances[0]), name: "one")
            if case .stored(let instance) = try await archive.store(file: source, moving: false, grant: try await ArchiveFixtures.grant(.store)) {
                stored = instance
            }
        }
        let instance = try #require(stored)
        let reopened = try Self.sealedArchive(fixtures, key: SymmetricKey(size: .bits256), keyName: "/keys/other-key")
        let grant = try await ArchiveFixtures.grant(.retrieve)
        let error = await #expect(throws: ArchiveError.self) { _ = try await reopened.localBlob(of: instance, grant: grant) }
        guard case .blobStore(.cannotUnseal(let blobPath, let keyFile, .unknownKey))? = error else {
            Issue.record("not an unknown-key error: \(String(describing: error))")
            return
        }
        #expect(blobPath == instance.blobPath)
        #expect(keyFile == "/keys/other-key")
        #expect("\(error!)".contains("/keys/other-key"))
    }

    @Test func aMissingKeyFileIsRefusedWithHowToMakeOne() throws {
        let error = #expect(throws: BlobStoreError.self) { _ = try BlobSealing(keyFile: "/nonexistent/archive-key") }
        guard case .keyFile(.keyFileMissing(let path))? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(path == "/nonexistent/archive-key")
        #expect("\(error!)".contains("rampart object-store create-key"))
    }

    @Test func aPlainLocalBlobIsLentAsItsOwnFile() async throws {
        let fixtures = try ArchiveFixtures()
        defer { fixtures.remove() }
        let archive = try fixtures.archive()
        guard let stored = try await Self.storeFirstFixture(in: archive, fixtures) else { return }
        let blob = try await archive.localBlob(of: stored, grant: try await ArchiveFixtures.grant(.retrieve))
        #expect(blob.path == fixtures.blobFile(stored))
        blob.release()
        #expect(FileManager.default.fileExists(atPath: fixtures.blobFile(stored)), "releasing a plain blob leaves it in place")
    }

    @Test func lendingABlobTakesARetrieveGrant() async throws {
        let fixtures = try ArchiveFixtures()
        defer { fixtures.remove() }
        let archive = try fixtures.archive()
        guard let stored = try await Self.storeFirstFixture(in: archive, fixtures) else { return }
        let query = try await ArchiveFixtures.grant(.query)
        await #expect(throws: ArchiveError.self) { _ = try await archive.localBlob(of: stored, grant: query) }
    }

    @Test func aSealedReplaceAndDeleteLeaveNoBlobBehind() async throws {
        let fixtures = try ArchiveFixtures()
        defer { fixtures.remove() }
        let archive = try Archive(directory: fixtures.archiveFolder, duplicatePolicy: .replace,
                                  sealing: Self.sealing(SymmetricKey(size: .bits256)))
        let grant = try await ArchiveFixtures.grant(.store)
        var moved = ArchiveFixtures.instances[0]
        moved.series = "1.2.826.0.1.1.9"
        guard case .stored = try await archive.store(file: try fixtures.write(ArchiveFixtures.dataSet(ArchiveFixtures.instances[0]), name: "a"),
                                                     moving: false, grant: grant),
              case .replaced(let new) = try await archive.store(file: try fixtures.write(ArchiveFixtures.dataSet(moved), name: "b"),
                                                                moving: false, grant: grant)
        else { Issue.record("not stored then replaced"); return }
        #expect(Self.files(below: fixtures.archiveFolder + "/blobs").map { String($0.dropFirst(fixtures.archiveFolder.count + 7)) } == [new.blobPath])
        _ = try await archive.delete(studyInstanceUID: new.studyInstanceUID, grant: try await ArchiveFixtures.grant(.delete))
        #expect(Self.files(below: fixtures.archiveFolder + "/blobs").isEmpty)
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { start in haystack[start..<(start + needle.count)].elementsEqual(needle) }
    }

    /// Fixture 0 stored in `archive`; nil (and an issue recorded) when it was not stored.
    private static func storeFirstFixture(in archive: Archive, _ fixtures: ArchiveFixtures) async throws -> StoredInstance? {
        let source = try fixtures.write(ArchiveFixtures.dataSet(ArchiveFixtures.instances[0]), name: "one")
        guard case .stored(let stored) = try await archive.store(file: source, moving: false, grant: try await ArchiveFixtures.grant(.store)) else {
            Issue.record("fixture 0 was not stored")
            return nil
        }
        return stored
    }
}
