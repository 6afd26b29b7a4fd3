import Access
import Foundation

/// The AE registry as a file in the data folder (`ae-registry.json`), read by `serve` at start
/// and changed by `rampart ae`. Written whole to a temporary name and renamed, mode 0600.
public struct AERegistryFile: Sendable {
    public let path: String

    public init(dataDirectory: String) {
        path = dataDirectory + "/ae-registry.json"
    }

    public func load() throws(ServerSetupError) -> AERegistry {
        guard FileManager.default.fileExists(atPath: path) else { return AERegistry() }
        do {
            let entries = try JSONDecoder().decode([AERegistry.Entry].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            return AERegistry(entries)
        } catch {
            throw ServerSetupError("\(path) is not a valid AE registry (\(error)); fix or remove it, then re-add the AEs with rampart ae add")
        }
    }

    public func save(_ registry: AERegistry) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try DataFolder.writePrivately(try encoder.encode(registry.entries.values.sorted { $0.title < $1.title }), to: path)
    }
}

/// A problem with the server's set-up, said so the operator can fix it.
public struct ServerSetupError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
