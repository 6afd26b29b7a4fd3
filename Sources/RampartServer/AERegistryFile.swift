import Access
import Foundation

/// The AE registry as a file in the data folder (`ae-registry.json`), read by `serve` at start
/// and changed by `rampart ae`. Written whole to a temporary name and renamed, mode 0600.
public struct AERegistryFile: RecordsFile {
    public let path: String

    public init(dataDirectory: String) {
        path = dataDirectory + "/ae-registry.json"
    }

    private var records: JSONRecords<AERegistry.Entry> {
        JSONRecords(path: path, what: "AE registry", remedy: "fix or remove it, then re-add the AEs with rampart ae add")
    }

    public func load() throws(ServerSetupError) -> AERegistry {
        AERegistry(try records.load())
    }

    public func save(_ registry: AERegistry) throws(ServerSetupError) {
        try records.save(registry.entries.values.sorted { $0.title < $1.title })
    }
}

/// A problem with the server's set-up, said so the operator can fix it.
public struct ServerSetupError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
