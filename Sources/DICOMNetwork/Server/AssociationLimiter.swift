import NIOCore

/// Admits or refuses a new association by `AssociationLimits`, before anything of it but its
/// A-ASSOCIATE-RQ is read. Plain state, no clock or lock of its own: the caller passes the time
/// (tests pass any) and serialises calls (`SharedAssociationLimiter`).
///
/// The per-host rate is a token bucket kept as one instant per host (the generic cell rate
/// algorithm of ATM networks): `due` is when the bucket would be full again,
/// each association moves it one interval (a minute / rate) later, and an association is
/// admitted while `due` is at most a minute (less one interval) ahead of now.
public struct AssociationLimiter: Sendable {
    /// Which limit refused an association, with its value and the host it counted.
    public enum Refusal: Sendable, Hashable, CustomStringConvertible {
        case associations(limit: Int)
        case associationsPerHost(limit: Int, host: String)
        case associationsPerMinute(limit: Int, host: String)

        public var description: String {
            switch self {
            case let .associations(limit): "\(limit) associations are open, the server's limit (max_associations)"
            case let .associationsPerHost(limit, host): "\(limit) associations from \(host) are open, the limit per host (max_associations_per_host)"
            case let .associationsPerMinute(limit, host): "\(host) is opening associations faster than \(limit) a minute, the limit per host (associations_per_minute_per_host)"
            }
        }

        /// The limit's key under `dicom.limits` in rampart.yaml.
        public var setting: String {
            switch self {
            case .associations: "max_associations"
            case .associationsPerHost: "max_associations_per_host"
            case .associationsPerMinute: "associations_per_minute_per_host"
            }
        }
    }

    private struct Host {
        var open = 0
        /// When the host's bucket is full again; at or before now, it is full.
        var due: NIODeadline
    }

    public private(set) var limits: AssociationLimits
    public private(set) var open = 0
    private var hosts: [String: Host] = [:]
    /// Hosts with nothing open and a full bucket are forgotten when the table reaches this size
    /// (then twice the remainder): memory stays bounded by the busy hosts, at amortised O(1).
    private var sweepAt = 1024

    public init(limits: AssociationLimits) {
        self.limits = limits
    }

    /// New limits, from the next association on: those open stay open (a lower limit only
    /// refuses new ones until enough have ended).
    public mutating func change(to limits: AssociationLimits) {
        self.limits = limits
    }

    /// The time one association takes from a host's bucket.
    private var interval: TimeAmount { .nanoseconds(60_000_000_000 / Int64(max(limits.associationsPerMinutePerHost, 1))) }

    /// Admits an association from `host` at `now` and counts it open (call `ended` when it
    /// ends), or says which limit refuses it and counts nothing.
    public mutating func admit(host: String, now: NIODeadline) -> Refusal? {
        guard open < limits.maximumAssociations else { return .associations(limit: limits.maximumAssociations) }
        var state = hosts[host] ?? Host(due: now)
        guard state.open < limits.maximumAssociationsPerHost else {
            return .associationsPerHost(limit: limits.maximumAssociationsPerHost, host: host)
        }
        let due = max(state.due, now)
        guard due - now <= .minutes(1) - interval else {
            return .associationsPerMinute(limit: limits.associationsPerMinutePerHost, host: host)
        }
        state.due = due + interval
        state.open += 1
        open += 1
        hosts[host] = state
        if hosts.count >= sweepAt { sweep(now: now) }
        return nil
    }

    /// An association `admit` let in has ended.
    public mutating func ended(host: String) {
        guard var state = hosts[host], state.open > 0 else { return }
        state.open -= 1
        open -= 1
        hosts[host] = state
    }

    /// How many hosts the limiter keeps state for.
    public var trackedHosts: Int { hosts.count }

    private mutating func sweep(now: NIODeadline) {
        hosts = hosts.filter { $0.value.open > 0 || $0.value.due > now }
        sweepAt = max(1024, hosts.count * 2)
    }
}
