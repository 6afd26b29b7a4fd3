import Foundation
import Synchronization
import Logs

/// A file of the data folder that the operator changes while `serve` runs (the accounts, the AE
/// registry): read again when its modification time or size changed, so a change takes effect
/// at the next decision without a restart.
public final class ReloadingFile<Value: Sendable>: Sendable {
    private struct Snapshot {
        var stamp: FileStamp?
        var value: Value
    }

    /// What tells a changed file: modification time and size (nil: no file).
    private struct FileStamp: Equatable {
        let seconds: Int
        let nanoseconds: Int
        let size: Int
    }

    public let path: String
    private let load: @Sendable () throws(ServerSetupError) -> Value
    private let snapshot: Mutex<Snapshot>
    private let log: Log
    /// Told of each change once it is read: nil when the new version is in force, else why the
    /// old one stays (the audit log records both).
    private let changed: @Sendable (ServerSetupError?) -> Void

    public init(path: String, log: Log, changed: @escaping @Sendable (ServerSetupError?) -> Void = { _ in },
                load: @escaping @Sendable () throws(ServerSetupError) -> Value) throws(ServerSetupError) {
        self.path = path
        self.load = load
        self.log = log
        self.changed = changed
        let stamp = Self.stamp(of: path)
        snapshot = Mutex(Snapshot(stamp: stamp, value: try load()))
    }

    /// The value now. A file that changed but cannot be read keeps the last good value in force,
    /// and says so in the log.
    public func current() -> Value {
        let stamp = Self.stamp(of: path)
        if let unchanged = snapshot.withLock({ $0.stamp == stamp ? $0.value : nil }) { return unchanged }
        do {
            let value = try load()
            snapshot.withLock { $0 = Snapshot(stamp: stamp, value: value) }
            changed(nil)
            return value
        } catch {
            log.error("\(path) not reloaded, the previous version stays in force: \(error)")
            // Said once per version of the file, not at every decision.
            snapshot.withLock { $0.stamp = stamp }
            changed(error)
            return snapshot.withLock { $0.value }
        }
    }

    private static func stamp(of path: String) -> FileStamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileStamp(seconds: info.st_mtim.tv_sec, nanoseconds: info.st_mtim.tv_nsec, size: Int(info.st_size))
    }
}
