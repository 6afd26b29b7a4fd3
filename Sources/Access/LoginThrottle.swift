/// Slows password guessing (issue 6, brute force): after `maximumFailures` failed sign-ins for a
/// user name within `window`, that name is locked for `lockout`, whatever password comes next;
/// and a peer address that fails `maximumFailures * 4` times in the window (trying many names)
/// is locked the same way. Successes clear the name's count. Kept in memory: a restart clears it,
/// which an attacker cannot cause from outside.
public actor LoginThrottle {
    public struct Policy: Sendable, Hashable {
        public var maximumFailures: Int
        public var window: Duration
        public var lockout: Duration

        public init(maximumFailures: Int = 5, window: Duration = .seconds(15 * 60), lockout: Duration = .seconds(15 * 60)) {
            self.maximumFailures = maximumFailures
            self.window = window
            self.lockout = lockout
        }
    }

    /// Why a sign-in is not even tried.
    public struct Locked: Error, Sendable, CustomStringConvertible {
        public let subject: String
        public let retryAfter: Duration

        public var description: String {
            let seconds = max(1, retryAfter.components.seconds)
            return "\(subject) is locked after repeated failed sign-ins; try again in \(seconds / 60) min \(seconds % 60) s"
        }
    }

    private struct Record {
        var failures: [ContinuousClock.Instant] = []
        var lockedUntil: ContinuousClock.Instant?
    }

    private let policy: Policy
    private let now: @Sendable () -> ContinuousClock.Instant
    private var names: [String: Record] = [:]
    private var addresses: [String: Record] = [:]

    public init(policy: Policy = Policy(), now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.policy = policy
        self.now = now
    }

    /// Throws when the name or the address is locked now.
    public func check(name: String, address: String) throws(Locked) {
        let instant = now()
        if let until = names[name]?.lockedUntil, until > instant {
            throw Locked(subject: "user \(name)", retryAfter: until - instant)
        }
        if let until = addresses[address]?.lockedUntil, until > instant {
            throw Locked(subject: "address \(address)", retryAfter: until - instant)
        }
    }

    /// Counts a failure; returns what it locked ("user NAME", "address A"), for the audit log.
    @discardableResult
    public func failed(name: String, address: String) -> [String] {
        let instant = now()
        if names.count + addresses.count > Self.sweepThreshold { sweep(at: instant) }
        var locked: [String] = []
        if Self.count(&names[name, default: Record()], at: instant, limit: policy.maximumFailures, policy: policy) {
            locked.append("user \(name)")
        }
        if Self.count(&addresses[address, default: Record()], at: instant, limit: policy.maximumFailures * 4, policy: policy) {
            locked.append("address \(address)")
        }
        return locked
    }

    public func succeeded(name: String) {
        names[name] = nil
    }

    /// Entries whose failures have all aged out and that are not locked say nothing any more;
    /// dropping them keeps a flood of made-up names from growing memory without bound.
    private static let sweepThreshold = 10_000

    private func sweep(at instant: ContinuousClock.Instant) {
        let window = policy.window
        let stale = { (record: Record) in
            (record.lockedUntil.map { $0 <= instant } ?? true) && record.failures.allSatisfy { instant - $0 >= window }
        }
        names = names.filter { !stale($0.value) }
        addresses = addresses.filter { !stale($0.value) }
    }

    /// True when this failure locks the record.
    private static func count(_ record: inout Record, at instant: ContinuousClock.Instant, limit: Int, policy: Policy) -> Bool {
        record.failures = record.failures.filter { instant - $0 < policy.window } + [instant]
        guard record.failures.count >= limit else { return false }
        record.lockedUntil = instant + policy.lockout
        record.failures = []
        return true
    }
}
