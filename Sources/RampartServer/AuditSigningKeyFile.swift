import Audit
import Foundation

/// The key that signs the audit log's checkpoints (`keys/audit-signing.key`, the 32-byte Ed25519
/// private key, mode 0600). `rampart init` creates it; a folder set up before the audit log
/// existed gets it when the log is first opened for writing.
public struct AuditSigningKeyFile: Sendable {
    public static let relativePath = "keys/audit-signing.key"

    public let path: String
    private let folder: String

    public init(dataDirectory: String) {
        folder = dataDirectory + "/keys"
        path = dataDirectory + "/" + Self.relativePath
    }

    public var exists: Bool { FileManager.default.fileExists(atPath: path) }

    public func load() throws(ServerSetupError) -> AuditSigningKey? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try AuditSigningKey(rawRepresentation: Array(data))
        } catch {
            throw ServerSetupError("\(path) \(error): restore it from a backup; without it the audit log's checkpoints cannot be verified")
        }
    }

    public func loadOrCreate() throws(ServerSetupError) -> AuditSigningKey {
        if let key = try load() { return key }
        try DataFolder.ensure(folder)
        let key = AuditSigningKey()
        try DataFolder.writePrivately(Data(key.rawRepresentation), to: path)
        return key
    }
}
