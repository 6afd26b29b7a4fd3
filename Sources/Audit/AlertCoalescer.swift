import Foundation

/// Coalesces a security alert that repeats (a connection refused over an association limit, from
/// one host), so that a flood cannot grow the audit log without bound: per key, the first
/// occurrence is recorded at once, later ones are counted, and each key gets at most one record
/// per `window`, carrying the count since its previous record. Plain state, no clock or lock of
/// its own: the caller passes the time and serialises calls.
///
/// Memory: `due(at:)` forgets keys whose window passed with nothing counted, so a caller that
/// asks it now and then keeps only the keys of the last two windows.
public struct AlertCoalescer<Alert: Sendable>: Sendable {
    /// A record to write now.
    public struct Record: Sendable {
        public let key: String
        /// The latest occurrence.
        public let alert: Alert
        /// Occurrences since the previous record of this key (the first record: 1).
        public let count: Int
        /// When the previous record of this key was written; nil for the first.
        public let since: Date?
    }

    private struct Entry {
        var recorded: Date
        /// Occurrences since `recorded`, not written yet.
        var pending: Int
        var latest: Alert
    }

    public let window: TimeInterval
    private var entries: [String: Entry] = [:]

    public init(window: TimeInterval = 60) {
        self.window = window
    }

    /// Keys the coalescer keeps state for.
    public var trackedKeys: Int { entries.count }

    /// One occurrence of `key` at `now`: a record to write, or nil when it is counted for a later one.
    public mutating func occurred(_ key: String, _ alert: Alert, at now: Date) -> Record? {
        guard var entry = entries[key] else {
            entries[key] = Entry(recorded: now, pending: 0, latest: alert)
            return Record(key: key, alert: alert, count: 1, since: nil)
        }
        guard now.timeIntervalSince(entry.recorded) >= window else {
            entry.pending += 1
            entry.latest = alert
            entries[key] = entry
            return nil
        }
        entries[key] = Entry(recorded: now, pending: 0, latest: alert)
        return Record(key: key, alert: alert, count: entry.pending + 1, since: entry.recorded)
    }

    /// The counts whose window has passed, to write now (a timer asks); with `all`, every count
    /// not written yet, whatever its window (at shutdown). Keys whose window passed with nothing
    /// counted are forgotten.
    public mutating func due(at now: Date, all: Bool = false) -> [Record] {
        var records: [Record] = []
        for (key, entry) in entries.sorted(by: { $0.value.recorded < $1.value.recorded }) {
            let passed = now.timeIntervalSince(entry.recorded) >= window
            if entry.pending > 0, passed || all {
                records.append(Record(key: key, alert: entry.latest, count: entry.pending, since: entry.recorded))
                entries[key] = Entry(recorded: now, pending: 0, latest: entry.latest)
            } else if passed {
                entries[key] = nil
            }
        }
        return records
    }
}
