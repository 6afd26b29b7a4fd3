import Access
import Foundation
import Synchronization

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
public final class AccountsSource: Sendable {
    private struct Snapshot {
        var stamp: FileStamp?
        var directory: UserDirectory
    }

    /// What tells a changed file: modification time and size.
    private struct FileStamp: Equatable {
        let seconds: Int
        let nanoseconds: Int
        let size: Int
    }

    public let file: AccountsFile
    private let snapshot: Mutex<Snapshot>
    private let log: @Sendable (String) -> Void

    public init(_ file: AccountsFile, log: @escaping @Sendable (String) -> Void) throws(ServerSetupError) {
        self.file = file
        self.log = log
        let stamp = Self.stamp(of: file.path)
        snapshot = Mutex(Snapshot(stamp: stamp, directory: try file.load()))
    }

    /// The accounts now. A file that changed but cannot be read keeps the last good accounts in
    /// force, and says so in the log.
    public func current() -> UserDirectory {
        let stamp = Self.stamp(of: file.path)
        if let unchanged = snapshot.withLock({ $0.stamp == stamp ? $0.directory : nil }) { return unchanged }
        do {
            let directory = try file.load()
            snapshot.withLock { $0 = Snapshot(stamp: stamp, directory: directory) }
            return directory
        } catch {
            log("accounts not reloaded: \(error)")
            return snapshot.withLock { $0.directory }
        }
    }

    private static func stamp(of path: String) -> FileStamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileStamp(seconds: info.st_mtim.tv_sec, nanoseconds: info.st_mtim.tv_nsec, size: Int(info.st_size))
    }
}
