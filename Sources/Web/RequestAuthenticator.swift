import Access
import Hummingbird

/// Who an HTTP request's credential proves: implemented by the server, which holds the
/// accounts, the service accounts, the token keys and the login throttle.
public protocol RequestAuthenticator: Sendable {
    /// The context of a request with this `Authorization` header (nil: none was sent), on
    /// `channel`, from `peerAddress`: a principal with its roles and strength, or anonymous
    /// with `authenticationFailure` saying why a credential it sent proves nothing.
    func authenticate(authorization: String?, channel: AccessChannel, peerAddress: String) async -> AccessContext
}

/// Authenticates every request before its route runs. A request that proves nobody is refused
/// with a 401 whatever it asked for, routes that do not exist included, so an anonymous
/// caller learns nothing of what is served; the refusal is the gate's, and so it is recorded
/// (DESIGN.md rule 2), as a refused association is for DIMSE.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    let authenticator: any RequestAuthenticator
    let gate: Gate

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let channel: AccessChannel = request.uri.path.hasPrefix(WebServer.dicomwebPrefix) ? .dicomweb : .rest
        context.access = await authenticator.authenticate(authorization: request.headers[.authorization], channel: channel,
                                                          peerAddress: context.peerAddress)
        if case .anonymous = context.access.principal {
            // Recorded, and always refused: the gate lets nobody anonymous in. A request that
            // proves someone is recorded by its route's decision instead, not twice.
            _ = try? await gate.decide(context.access, .associate)
            throw WebProblem.unauthorized()
        }
        return try await next(request, context)
    }
}

