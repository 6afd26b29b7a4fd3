import Access
import Foundation

/// The service accounts as a file in the data folder (`services.json`, mode 0600): names, roles,
/// scopes and the SHA-256 of each API key, never a key. `rampart service` changes it.
public struct ServiceAccountsFile: Sendable {
    public let path: String

    public init(dataDirectory: String) {
        path = dataDirectory + "/services.json"
    }

    public func load() throws(ServerSetupError) -> ServiceDirectory {
        guard FileManager.default.fileExists(atPath: path) else { return ServiceDirectory() }
        do {
            return ServiceDirectory(try JSONDecoder().decode([ServiceAccount].self, from: Data(contentsOf: URL(fileURLWithPath: path))))
        } catch {
            throw ServerSetupError("\(path) is not a valid service accounts file (\(error)); restore it from a backup")
        }
    }

    public func save(_ directory: ServiceDirectory) throws(ServerSetupError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data: Data
        do {
            data = try encoder.encode(directory.accounts.values.sorted { $0.name < $1.name })
        } catch {
            throw ServerSetupError("cannot encode the service accounts: \(error)")
        }
        try DataFolder.writePrivately(data, to: path)
    }
}

/// The service accounts as `serve` sees them: read again whenever `services.json` changes, so
/// `rampart service revoke` takes effect at the next sign-in and the next operation.
public typealias ServiceAccountsSource = ReloadingFile<ServiceDirectory>

extension ReloadingFile where Value == ServiceDirectory {
    public convenience init(_ file: ServiceAccountsFile, log: @escaping @Sendable (String) -> Void) throws(ServerSetupError) {
        try self.init(path: file.path, log: log) { () throws(ServerSetupError) in try file.load() }
    }
}
