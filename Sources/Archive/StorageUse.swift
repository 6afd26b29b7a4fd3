/// What the archive holds and the room it has left, for the metrics.
public struct StorageUse: Sendable, Hashable {
    public var instances: Int
    /// The archived files' sizes added up.
    public var bytes: Int
    /// Free space the blob store's file system gives this process; nil when it cannot be read.
    public var availableBytes: Int?
}
