import Synchronization

/// A setting an administrator may change while the server runs (`/api/settings`): whoever uses
/// it reads it at each use, so a change holds from the next association or request.
public final class RunTimeSetting<Value: Sendable>: Sendable {
    private let current: Mutex<Value>

    public init(_ value: Value) {
        current = Mutex(value)
    }

    public var value: Value { current.withLock { $0 } }

    public func set(_ value: Value) {
        current.withLock { $0 = value }
    }
}
