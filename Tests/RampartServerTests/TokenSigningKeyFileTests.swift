import Access
import Foundation
import RampartServer
import Testing

@Suite struct TokenSigningKeyFileTests {
    @Test func theKeyIsMadeOnceKeptPrivateAndNeverReplacedSilently() throws {
        let folder = NSTemporaryDirectory() + "rampart-token-key-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = TokenSigningKeyFile(dataDirectory: folder)
        #expect(try file.load() == nil)

        let (made, created) = try file.loadOrCreate()
        #expect(created)
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(file.path == folder + "/tls/token-signing-key.pem")

        let (again, createdAgain) = try file.loadOrCreate()
        #expect(!createdAgain && again.id == made.id)
        #expect(throws: ServerSetupError.self) { try file.create() }
        #expect(try file.load()?.id == made.id)

        try "not a key".write(toFile: file.path, atomically: true, encoding: .utf8)
        #expect(throws: ServerSetupError.self) { try file.load() }
    }
}
