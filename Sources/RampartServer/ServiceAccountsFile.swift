import Access
import Foundation

/// The service accounts as a file in the data folder (`services.json`, mode 0600): names, roles,
/// scopes and the SHA-256 of each API key, never a key. `rampart service` changes it.
public struct ServiceAccountsFile: RecordsFile {
    public let path: String

    public init(dataDirectory: String) {
        path = dataDirectory + "/services.json"
    }

    private var records: JSONRecords<ServiceAccount> { JSONRecords(path: path, what: "service accounts file") }

    public func load() throws(ServerSetupError) -> ServiceDirectory {
        ServiceDirectory(try records.load())
    }

    public func save(_ directory: ServiceDirectory) throws(ServerSetupError) {
        try records.save(directory.accounts.values.sorted { $0.name < $1.name })
    }
}

/// The service accounts as `serve` sees them: read again whenever `services.json` changes, so
/// `rampart service revoke` takes effect at the next sign-in and the next operation.
public typealias ServiceAccountsSource = ReloadingFile<ServiceDirectory>
