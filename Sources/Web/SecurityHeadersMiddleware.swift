import HTTPTypes
import Hummingbird
import Logs

/// Headers every response carries, errors included: patient data is never cached, framed,
/// sniffed into another type, or sent on with a referrer; over TLS the browser is told to
/// come back only over TLS. No `Server` header is sent (the application has no server name).
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    /// Over HTTPS only: HSTS on a plain-HTTP answer is ignored by browsers and would be a lie.
    let strictTransportSecurity: Bool
    /// The origins of the identity providers' token endpoints, which the login page posts an
    /// authorization code to; nothing else beyond this server.
    let tokenEndpointOrigins: [String]

    init(strictTransportSecurity: Bool, tokenEndpointOrigins: [String] = []) {
        self.strictTransportSecurity = strictTransportSecurity
        self.tokenEndpointOrigins = tokenEndpointOrigins
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.cacheControl] = "no-store"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[Self.frameOptions] = "DENY"
        // The UI's pages load their own scripts and styles and call this origin (and the token
        // endpoints of a login), nothing else; every other answer is data, which loads nothing.
        response.headers[.contentSecurityPolicy] = UIRoutes.isUIFile(request)
            ? "default-src 'none'; script-src 'self'; style-src 'self'; connect-src \((["'self'"] + tokenEndpointOrigins).joined(separator: " ")); "
                + "img-src 'self' blob: data:; "
                + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
            : "default-src 'none'; frame-ancestors 'none'"
        response.headers[Self.referrerPolicy] = "no-referrer"
        if strictTransportSecurity { response.headers[.strictTransportSecurity] = "max-age=31536000" }
        return response
    }

    private static let frameOptions = HTTPField.Name("X-Frame-Options")!
    private static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}

/// Turns whatever a route or a later middleware throws into problem details: a `WebProblem` as
/// it is, Hummingbird's own errors (no route, a body too large) with their status, anything
/// else a 500 whose cause goes to the process log, never to the caller.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    let log: Log
    /// Told of every 400: a malformed request is hostile input until shown otherwise.
    let alerts: (any HTTPPeerAlerts)?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response = try await answer(request, context: context, next: next)
        if response.status == .badRequest, let alerts {
            // The path only: a query or a problem's detail may carry what the request searched for.
            alerts.malformedRequest(peerAddress: context.peerAddress,
                                    detail: "\(request.method) \(request.uri.path.prefix(200))")
        }
        return response
    }

    private func answer(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as WebProblem {
            return try problem.response(from: request, context: context)
        } catch let error as HTTPError {
            return try WebProblem(error.status, Self.detail(error.status)).response(from: request, context: context)
        } catch {
            context.log(log).warning("\(request.method) \(request.uri.path) from \(context.peerAddress) failed: \(error)")
            return try WebProblem(.internalServerError, "the server could not answer; its log says why").response(from: request, context: context)
        }
    }

    private static func detail(_ status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "no such resource: see the DICOMweb paths in the conformance statement"
        case .contentTooLarge: "the request body is larger than this server accepts"
        case .methodNotAllowed: "this resource does not take that method"
        default: status.reasonPhrase
        }
    }
}
