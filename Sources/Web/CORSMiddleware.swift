import HTTPTypes
import Hummingbird

/// Cross-origin access for the browser applications of the origins the operator lists
/// (`http.cors_origins`), and for no other: a request from an unlisted origin gets no CORS
/// headers, so the browser withholds the answer from the page that asked. Preflights are
/// answered before authentication (a browser sends them without credentials).
struct StrictCORSMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    let allowedOrigins: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        let allowed = allowedOrigins.contains(origin)
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            guard allowed else { throw WebProblem(.forbidden, "origin \(origin) is not in http.cors_origins") }
            var headers = Self.headers(origin)
            headers[.accessControlAllowMethods] = "GET, HEAD, POST, DELETE, OPTIONS"
            headers[.accessControlAllowHeaders] = "Authorization, Accept, Content-Type"
            headers[.accessControlMaxAge] = "600"
            return Response(status: .noContent, headers: headers)
        }
        var response = try await next(request, context)
        if allowed {
            for field in Self.headers(origin) { response.headers[field.name] = field.value }
        }
        return response
    }

    private static func headers(_ origin: String) -> HTTPFields {
        [.accessControlAllowOrigin: origin, .vary: "Origin"]
    }
}
