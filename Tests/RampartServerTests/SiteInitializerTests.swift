import Access
import Foundation
import RampartServer
import Testing

@Suite struct SiteInitializerTests {
    private static let cheap = PasswordHash.Cost(logN: 4, blockSize: 8, parallelism: 1)

    private func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "rampart-init-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path + "/data"
    }

    @Test func initMakesAWorkingServerSetUpOnce() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: (folder as NSString).deletingLastPathComponent) }
        let initializer = SiteInitializer(dataDirectory: folder)
        #expect(!initializer.isInitialized)
        let result = try initializer.run(serverNames: ["pacs.example.org", "192.0.2.7"], passwordCost: Self.cheap)
        #expect(initializer.isInitialized)
        #expect(result.serverNames.contains("pacs.example.org"))
        #expect(result.serverNames.contains("192.0.2.7"))
        #expect(result.adminPassword.count == 27)

        // The admin can authenticate with the printed password, and only with it.
        let users = try AccountsFile(dataDirectory: folder).load()
        #expect(try users.authenticate(name: "admin", passcode: result.adminPassword).account.roles == ["admin"])
        #expect(throws: AuthenticationFailure.self) { try users.authenticate(name: "admin", passcode: "admin") }
        let accountsText = try String(contentsOfFile: folder + "/accounts.json", encoding: .utf8)
        #expect(!accountsText.contains(result.adminPassword))

        // Private material is readable by the owner only.
        for file in ["accounts.json", "tls/ca-key.pem", "tls/server-key.pem", "tls/token-signing-key.pem", "rampart.yaml"] {
            let mode = try FileManager.default.attributesOfItem(atPath: folder + "/" + file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file)")
        }

        // The configuration it wrote is valid and the TLS material loads into a server.
        let configuration = try ConfigurationFile(dataDirectory: folder).load()
        try configuration.validate()
        #expect(configuration.dicom.tls?.certificate == "tls/server.pem")

        // A second init refuses, and leaves the first admin alone.
        #expect(throws: ServerSetupError.self) { try initializer.run(passwordCost: Self.cheap) }
        #expect(try AccountsFile(dataDirectory: folder).load().authenticate(name: "admin", passcode: result.adminPassword).account.name == "admin")
    }
}
