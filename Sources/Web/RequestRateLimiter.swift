import Access
import DICOMNetwork
import Hummingbird
import NIOCore
import Synchronization

/// Requests a minute from each client address, as a token bucket of a minute's worth (the
/// generic cell rate algorithm, as `AssociationLimiter` keeps it for DIMSE): a host may send
/// `perMinute` requests at once, then `perMinute` a minute. It runs before authentication, so
/// a flood of bad credentials costs the server a counter, not a password hash each.
final class RequestRateLimiter: Sendable {
    /// Read at each request: an administrator may change it while the server runs.
    let perMinute: RunTimeSetting<Int>
    private let state: Mutex<[String: NIODeadline]> = Mutex([:])
    /// Hosts whose bucket is full again are forgotten when the table reaches this size.
    private static let sweepSize = 4096

    init(perMinute: RunTimeSetting<Int>) {
        self.perMinute = perMinute
    }

    convenience init(perMinute: Int) {
        self.init(perMinute: RunTimeSetting(perMinute))
    }

    /// Takes one request from `host`'s bucket at `now`, or says how long until it may send again.
    func admit(host: String, now: NIODeadline) -> TimeAmount? {
        let interval = TimeAmount.nanoseconds(60_000_000_000 / Int64(max(perMinute.value, 1)))
        return state.withLock { hosts in
            let due = max(hosts[host] ?? now, now)
            let ahead = due - now
            guard ahead <= .minutes(1) - interval else { return ahead - (.minutes(1) - interval) }
            hosts[host] = due + interval
            if hosts.count >= Self.sweepSize { hosts = hosts.filter { $0.value > now } }
            return nil
        }
    }
}

/// Answers a client over its rate `429 Too Many Requests` with `Retry-After`, before anything
/// else is done for it.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    let limiter: RequestRateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let host = Gate.host(of: context.peerAddress)
        if let wait = limiter.admit(host: host, now: .now()) {
            let seconds = max(1, Int((wait.nanoseconds + 999_999_999) / 1_000_000_000))
            throw WebProblem(.tooManyRequests, "\(host) sent more than \(limiter.perMinute.value) requests a minute (http.requests_per_minute_per_host): retry in \(seconds) s",
                             headers: [.retryAfter: String(seconds)])
        }
        return try await next(request, context)
    }
}
