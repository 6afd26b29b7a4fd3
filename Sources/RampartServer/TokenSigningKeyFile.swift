import Access
import Foundation

/// The key Rampart signs access tokens with, in the data folder (`tls/token-signing-key.pem`,
/// mode 0600). `rampart init` creates it; a folder set up before tokens existed gets it from the
/// first `rampart token issue`.
public struct TokenSigningKeyFile: Sendable {
    public static let relativePath = "tls/token-signing-key.pem"

    public let path: String
    private let folder: String

    public init(dataDirectory: String) {
        folder = dataDirectory + "/tls"
        path = dataDirectory + "/" + Self.relativePath
    }

    public var exists: Bool { FileManager.default.fileExists(atPath: path) }

    /// The key, or nil when the folder has none yet.
    public func load() throws(ServerSetupError) -> TokenSigningKey? {
        guard exists else { return nil }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ServerSetupError("cannot read \(path): \(error)")
        }
        do {
            return try TokenSigningKey(pem: text)
        } catch {
            throw ServerSetupError("\(path): \(error)")
        }
    }

    /// Writes a new key; refuses to replace one, since that would void every token issued with it.
    @discardableResult
    public func create() throws(ServerSetupError) -> TokenSigningKey {
        guard !exists else { throw ServerSetupError("\(path) already exists; remove it first to replace the key (tokens issued with it stop working)") }
        try DataFolder.ensure(folder)
        let key = TokenSigningKey()
        try DataFolder.writePrivately(Data(key.pemRepresentation.utf8), to: path)
        return key
    }

    /// The key, made now when the folder has none; `created` says which.
    public func loadOrCreate() throws(ServerSetupError) -> (key: TokenSigningKey, created: Bool) {
        if let key = try load() { return (key, false) }
        return (try create(), true)
    }
}
