import Access
import Foundation

/// The site's pseudonym key (`keys/pseudonym.key`, 32 random bytes, mode 0600), made the first
/// time a policy is loaded. Replacing it changes every pseudonym the site has shown.
public struct PseudonymKeyFile: Sendable {
    public static let relativePath = "keys/pseudonym.key"

    public let path: String
    private let folder: String

    public init(dataDirectory: String) {
        folder = dataDirectory + "/keys"
        path = dataDirectory + "/" + Self.relativePath
    }

    public func loadOrCreate() throws(ServerSetupError) -> PseudonymKey {
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count == 32 else { throw ServerSetupError("\(path) must hold 32 bytes, not \(data.count): restore it from a backup (pseudonyms depend on it)") }
            return PseudonymKey(bytes: Array(data))
        }
        try DataFolder.ensure(folder)
        let key = PseudonymKey.generate()
        try DataFolder.writePrivately(Data(key.bytes), to: path)
        return key
    }
}
