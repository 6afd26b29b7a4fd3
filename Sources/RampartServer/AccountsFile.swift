import Access
import Foundation

/// The user accounts as a file in the data folder (`accounts.json`, mode 0600): names, roles and
/// scrypt password hashes, never passwords. `rampart init` and `rampart user` change it.
public struct AccountsFile: Sendable {
    public let path: String

    public init(dataDirectory: String) {
        path = dataDirectory + "/accounts.json"
    }

    public func load() throws(ServerSetupError) -> UserDirectory {
        guard FileManager.default.fileExists(atPath: path) else { return UserDirectory() }
        do {
            return UserDirectory(try JSONDecoder().decode([UserAccount].self, from: Data(contentsOf: URL(fileURLWithPath: path))))
        } catch {
            throw ServerSetupError("\(path) is not a valid accounts file (\(error)); restore it from a backup")
        }
    }

    public func save(_ directory: UserDirectory) throws(ServerSetupError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data: Data
        do {
            data = try encoder.encode(directory.accounts.values.sorted { $0.name < $1.name })
        } catch {
            throw ServerSetupError("cannot encode the accounts: \(error)")
        }
        try DataFolder.writePrivately(data, to: path)
    }
}

/// The accounts as `serve` sees them: read again whenever `accounts.json` changes, so that
/// `rampart user disable` or `passwd` takes effect at the next sign-in, without a restart.
public typealias AccountsSource = ReloadingFile<UserDirectory>

extension ReloadingFile where Value == UserDirectory {
    public convenience init(_ file: AccountsFile, log: @escaping @Sendable (String) -> Void) throws(ServerSetupError) {
        try self.init(path: file.path, log: log) { () throws(ServerSetupError) in try file.load() }
    }
}
