/// How often and how patiently a request is tried again after a 5xx, a 429 (SlowDown) or a
/// failed connection: exponential backoff with full jitter (AWS Architecture Blog, "Exponential
/// Backoff And Jitter"), so that many nodes retrying at once spread out instead of hitting the
/// store together.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included (at least 1).
    public var maxAttempts: Int
    /// The backoff ceiling before the first retry; it doubles with each retry.
    public var baseDelay: Duration
    /// The largest ceiling.
    public var maxDelay: Duration

    public init(maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(5)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The wait before attempt `attempt + 1` (`attempt` counts from 1): uniform in
    /// [0, min(maxDelay, baseDelay * 2^(attempt-1))].
    public func delay(after attempt: Int) -> Duration {
        let ceiling = min(maxDelay, baseDelay * (1 << min(attempt - 1, 20)))
        let milliseconds = ceiling.components.seconds * 1000 + ceiling.components.attoseconds / 1_000_000_000_000_000
        return .milliseconds(Int64.random(in: 0...max(0, milliseconds)))
    }
}
