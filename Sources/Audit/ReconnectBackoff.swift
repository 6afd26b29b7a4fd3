/// How long to wait before the next attempt to reach a collector: `initial`, doubled after
/// each failure up to `maximum`, back to `initial` once a delivery succeeds. Bounded, so a
/// collector that comes back is found within `maximum`.
public struct ReconnectBackoff: Sendable, Equatable {
    public let initial: Duration
    public let maximum: Duration
    private var next: Duration

    public init(initial: Duration = .milliseconds(500), maximum: Duration = .seconds(30)) {
        self.initial = initial
        self.maximum = max(initial, maximum)
        next = initial
    }

    /// The wait before the next attempt, after a failure.
    public mutating func failed() -> Duration {
        let wait = next
        next = min(next * 2, maximum)
        return wait
    }

    public mutating func succeeded() { next = initial }
}
