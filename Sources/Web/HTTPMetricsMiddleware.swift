import Metrics
import Hummingbird

/// Counts every request and times it, by route pattern, method and status, through
/// swift-metrics (`rampart serve`: Prometheus at /metrics). Outermost, so refusals (401, 429)
/// count too. Labels are bounded: the route's pattern (`/dicomweb/studies/{study}`), never the
/// path a client typed, and the standard methods only.
struct HTTPMetricsMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    let factory: any MetricsFactory

    private static let methods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let method = Self.methods.contains(request.method.rawValue) ? request.method.rawValue : "other"
        do {
            let response = try await next(request, context)
            record(route: context.endpointPath, method: method, status: response.status.code, since: started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            record(route: context.endpointPath, method: method, status: status, since: started)
            throw error
        }
    }

    private func record(route: String?, method: String, status: Int, since started: ContinuousClock.Instant) {
        let dimensions = [("route", route ?? "unmatched"), ("method", method), ("status", String(status))]
        Counter(label: "rampart_http_requests_total", dimensions: dimensions, factory: factory).increment()
        Timer(label: "rampart_http_request_duration_seconds", dimensions: [("route", route ?? "unmatched"), ("method", method)], factory: factory)
            .record(duration: ContinuousClock.now - started)
    }
}
