import Access
import Hummingbird
import Synchronization
import Logs

/// `/health/live` and `/health/ready` for load balancers and orchestrators, and `/metrics` for
/// Prometheus.
///
/// The probes answer without a credential (a load balancer has none) and say nothing but
/// whether the server works and, when not, which part: no version, no counts, no paths (the
/// reasons go to the process log, once per change). `/metrics` needs a `monitor` grant, like
/// any other read, and is recorded.
struct HealthRoutes: Sendable {
    static let livePath = "/health/live"
    static let readyPath = "/health/ready"
    static let metricsPath = "/metrics"

    let gate: Gate
    let status: any ServerMonitoring
    let log: Log
    /// The last readiness logged, so that a probe every few seconds logs only changes.
    private let lastLogged = LastReadiness()

    init(gate: Gate, status: any ServerMonitoring, log: Log) {
        self.gate = gate
        self.status = status
        self.log = log
    }

    /// The probes need no credential; everything else does.
    static func isProbe(_ request: Request) -> Bool {
        request.method == .get && (request.uri.path == livePath || request.uri.path == readyPath)
    }

    private struct ProbeAnswer: Encodable {
        var status: String
        var failing: [Readiness.Component]?
    }

    func add(to router: Router<WebRequestContext>) {
        // The process answers: that is all liveness means. A restart cures nothing else.
        router.get(RouterPath(Self.livePath)) { _, _ in try Response.json(ProbeAnswer(status: "live")) }
        router.get(RouterPath(Self.readyPath)) { _, _ in
            let readiness = await status.readiness()
            logIfChanged(readiness)
            if readiness.isReady { return try Response.json(ProbeAnswer(status: "ready")) }
            let failing = Readiness.Component.allCases.filter { readiness.failing[$0] != nil }
            return try Response.json(ProbeAnswer(status: "not ready", failing: failing), status: .serviceUnavailable)
        }
        router.get(RouterPath(Self.metricsPath)) { _, context in
            let grant = try await gate.grant(.monitor, context, log: log)
            let text: [UInt8]
            do {
                text = try await status.metrics(grant: grant)
            } catch {
                context.log(log).error("the metrics could not be read: \(error)")
                throw WebProblem(.internalServerError, "the metrics could not be read; the process log says why")
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: text)))
        }
    }

    private func logIfChanged(_ readiness: Readiness) {
        guard lastLogged.replace(with: readiness) else { return }
        if readiness.isReady {
            log.info("readiness: ready")
        } else {
            log.warning("readiness: not ready: " + Readiness.Component.allCases.compactMap { part in readiness.failing[part].map { "\(part.rawValue): \($0)" } }
                .joined(separator: "; "))
        }
    }
}

/// The readiness last logged, shared by the requests that probe it.
private final class LastReadiness: Sendable {
    private let last = Mutex<Readiness?>(nil)

    /// Keeps `readiness`; true when it differs from the one kept before.
    func replace(with readiness: Readiness) -> Bool {
        last.withLock { last in
            defer { last = readiness }
            return last != readiness
        }
    }
}
