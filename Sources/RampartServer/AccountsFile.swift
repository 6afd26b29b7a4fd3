import Access
import Foundation

/// The user accounts as a file in the data folder (`accounts.json`, mode 0600): names, roles and
/// scrypt password hashes, never passwords. `rampart init` and `rampart user` change it.
public struct AccountsFile: RecordsFile {
    public let path: String

    public init(dataDirectory: String) {
        path = dataDirectory + "/accounts.json"
    }

    private var records: JSONRecords<UserAccount> { JSONRecords(path: path, what: "accounts file") }

    public func load() throws(ServerSetupError) -> UserDirectory {
        UserDirectory(try records.load())
    }

    public func save(_ directory: UserDirectory) throws(ServerSetupError) {
        try records.save(directory.accounts.values.sorted { $0.name < $1.name })
    }
}

/// The accounts as `serve` sees them: read again whenever `accounts.json` changes, so that
/// `rampart user disable` or `passwd` takes effect at the next sign-in, without a restart.
public typealias AccountsSource = ReloadingFile<UserDirectory>
