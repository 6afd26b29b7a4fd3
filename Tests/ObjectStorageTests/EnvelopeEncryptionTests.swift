import Crypto
import Foundation
import Testing
@testable import ObjectStorage

@Suite struct EnvelopeEncryptionTests {
    /// A folder of its own per test, removed after.
    final class Scratch {
        let folder: String
        init() {
            folder = NSTemporaryDirectory() + "rampart-envelope-" + UUID().uuidString
            try! FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(atPath: folder) }
        func path(_ name: String) -> String { folder + "/" + name }
        func write(_ name: String, _ bytes: [UInt8]) -> String {
            let path = path(name)
            #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
            return path
        }
        func read(_ path: String) -> [UInt8] { Array(FileManager.default.contents(atPath: path) ?? Data()) }
    }

    /// A synthetic patient (Scripts/generate-test-data.py style), repeated through the plaintext.
    static let patientName = "SYNTHETIC^PATIENT^ENVELOPE"

    static func plaintext(_ size: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let name = Array(patientName.utf8)
        for offset in stride(from: 0, to: max(0, size - name.count), by: 997) {
            bytes.replaceSubrange(offset..<offset + name.count, with: name)
        }
        return bytes
    }

    static let keys = KeyFileProvider(key: SymmetricKey(size: .bits256))

    @Test(arguments: [0, 1, 63, 64, 65, 64 * 5, 1000])
    func roundTrips(size: Int) async throws {
        let scratch = Scratch()
        let plain = Self.plaintext(size)
        let source = scratch.write("plain", plain)
        let sealer = EnvelopeEncryption(keys: Self.keys, chunkSize: 64)
        try await sealer.seal(file: source, to: scratch.path("sealed"))
        try await sealer.open(file: scratch.path("sealed"), to: scratch.path("opened"))
        #expect(scratch.read(scratch.path("opened")) == plain)
    }

    @Test func sealedBytesHoldNoPlaintext() async throws {
        let scratch = Scratch()
        let source = scratch.write("plain", Self.plaintext(3 << 20))
        try await EnvelopeEncryption(keys: Self.keys).seal(file: source, to: scratch.path("sealed"))
        let sealed = scratch.read(scratch.path("sealed"))
        #expect(sealed.count > 3 << 20)
        let name = Array(Self.patientName.utf8)
        #expect(!sealed.containsRun(name))
        // The same plaintext sealed twice gives other bytes (a fresh data key each time).
        try await EnvelopeEncryption(keys: Self.keys).seal(file: source, to: scratch.path("again"))
        #expect(scratch.read(scratch.path("again")) != sealed)
    }

    /// Every byte of a small sealed object, header and chunks, changed in turn: each change is
    /// refused with a typed error and leaves no output file.
    @Test func tamperingWithAnyByteFails() async throws {
        let scratch = Scratch()
        let source = scratch.write("plain", Self.plaintext(150))
        let sealer = EnvelopeEncryption(keys: Self.keys, chunkSize: 64)
        try await sealer.seal(file: source, to: scratch.path("sealed"))
        let sealed = scratch.read(scratch.path("sealed"))
        for index in sealed.indices {
            var changed = sealed
            changed[index] ^= 0x01
            let path = scratch.write("changed", changed)
            await #expect(throws: EncryptionError.self, "byte \(index)") {
                try await sealer.open(file: path, to: scratch.path("out"))
            }
            #expect(!FileManager.default.fileExists(atPath: scratch.path("out")))
        }
    }

    @Test func truncationFails() async throws {
        let scratch = Scratch()
        let source = scratch.write("plain", Self.plaintext(64 * 3))
        let sealer = EnvelopeEncryption(keys: Self.keys, chunkSize: 64)
        try await sealer.seal(file: source, to: scratch.path("sealed"))
        let sealed = scratch.read(scratch.path("sealed"))
        // Cut at every length, chunk boundaries (where only the final flag tells) included.
        for length in 0..<sealed.count {
            let path = scratch.write("cut", Array(sealed[..<length]))
            await #expect(throws: EncryptionError.self, "cut at \(length)") {
                try await sealer.open(file: path, to: scratch.path("out"))
            }
        }
        // Chunks swapped.
        // Three full chunks, then the empty final one.
        let headerLength = sealed.count - (3 * (64 + 16) + 16)
        var swapped = sealed
        swapped.replaceSubrange(headerLength..<headerLength + 80, with: sealed[headerLength + 80..<headerLength + 160])
        swapped.replaceSubrange(headerLength + 80..<headerLength + 160, with: sealed[headerLength..<headerLength + 80])
        let path = scratch.write("swapped", swapped)
        await #expect(throws: EncryptionError.tampered(path: path, chunk: 0)) {
            try await sealer.open(file: path, to: scratch.path("out"))
        }
    }

    @Test func wrongKeyFails() async throws {
        let scratch = Scratch()
        let source = scratch.write("plain", Self.plaintext(100))
        try await EnvelopeEncryption(keys: Self.keys).seal(file: source, to: scratch.path("sealed"))
        let other = KeyFileProvider(key: SymmetricKey(size: .bits256))
        await #expect(throws: EncryptionError.unknownKey(objectKeyID: Self.keys.currentKeyID, providerKeyID: other.currentKeyID)) {
            try await EnvelopeEncryption(keys: other).open(file: scratch.path("sealed"), to: scratch.path("out"))
        }
    }

    @Test func keyFileIsCreatedPrivateAndNeverOverwritten() throws {
        let scratch = Scratch()
        let path = scratch.path("key")
        try KeyFileProvider.create(at: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(scratch.read(path).count == 32)
        let first = try KeyFileProvider(path: path).currentKeyID
        #expect(throws: EncryptionError.keyFileExists(path: path)) { try KeyFileProvider.create(at: path) }
        #expect(try KeyFileProvider(path: path).currentKeyID == first)
        chmod(path, 0o644)
        #expect(throws: EncryptionError.keyFileTooOpen(path: path, mode: 0o644)) { try KeyFileProvider(path: path) }
    }
}

extension Array where Element == UInt8 {
    /// True when `run` occurs in these bytes.
    func containsRun(_ run: [UInt8]) -> Bool {
        guard !run.isEmpty, run.count <= count else { return run.isEmpty }
        for start in 0...(count - run.count) where self[start] == run[0] && self[start..<start + run.count].elementsEqual(run) {
            return true
        }
        return false
    }
}
