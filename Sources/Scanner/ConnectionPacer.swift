/// Spaces the starts of new connections evenly over the whole scan (`--rate`), however many
/// probes run at once.
actor ConnectionPacer {
    private let interval: Duration
    private var next = ContinuousClock.now

    init(connectionsPerSecond: Double) {
        interval = .nanoseconds(Int64(1_000_000_000 / max(connectionsPerSecond, 0.001)))
    }

    /// Returns when the caller may open its connection.
    func waitTurn() async {
        let now = ContinuousClock.now
        let start = max(now, next)
        next = start + interval
        if start > now { try? await Task.sleep(until: start, clock: .continuous) }
    }
}
