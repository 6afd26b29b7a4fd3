import Access
import Hummingbird
import NIOCore
import NIOSSL

/// Who an HTTP request's credential proves: implemented by the server, which holds the
/// accounts, the service accounts, the token keys and the login throttle.
public protocol RequestAuthenticator: Sendable {
    /// The context of a request with this `Authorization` header (nil: none was sent), on
    /// `channel`, from `peerAddress`: a principal with its roles and strength, or anonymous
    /// with `authenticationFailure` saying why a credential it sent proves nothing.
    func authenticate(authorization: String?, channel: AccessChannel, peerAddress: String) async -> AccessContext

    /// A name and secret from the login form (a user's password, with the one-time code
    /// appended when the user has a second factor), under the login throttle.
    func signIn(name: String, secret: String, channel: AccessChannel, peerAddress: String) async -> AccessContext

    /// An ID token that the web UI brought back from `provider` for the login that expects
    /// `nonce`: its user with the token's roles (channel `ui`), or anonymous with why not.
    func signIn(idToken: String, from provider: BrowserLoginProvider, nonce: String, peerAddress: String) async -> AccessContext

    /// A session's user as it stands now: an account's current roles, an identity provider's
    /// user's roles from its login; or anonymous with why, when the account was disabled or
    /// removed since the session began.
    func resume(user: String, signIn: SessionSignIn, channel: AccessChannel, peerAddress: String) async -> AccessContext
}

/// Authenticates every request before its route runs: by its `Authorization` header, else by
/// the web UI's session cookie (channel `ui`; a change must carry the session's CSRF token). A
/// request that proves nobody is refused with a 401 whatever it asked for, routes that do not
/// exist included, so an anonymous caller learns nothing of what is served; the refusal is the
/// gate's, and so it is recorded (DESIGN.md rule 2), as a refused association is for DIMSE.
/// Only the logins (`SessionRoutes.isLogin`) and the UI's files, which hold no data, pass
/// without a credential.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    let authenticator: any RequestAuthenticator
    let gate: Gate
    let sessions: SessionStore
    /// Whether HTTPS asks clients for certificates (`WebServer.tlsConfiguration`'s client CAs).
    let readsClientCertificates: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The login, whatever stale cookie the browser still sends, and the UI's files.
        if SessionRoutes.isLogin(request) || UIRoutes.isUIFile(request) || HealthRoutes.isProbe(request) {
            return try await next(request, context)
        }
        var context = context
        let channel: AccessChannel = request.uri.path.hasPrefix(WebServer.dicomwebPrefix) ? .dicomweb : .rest
        let fingerprint = readsClientCertificates ? await Self.certificateFingerprint(of: context.channel) : nil
        if let authorization = request.headers[.authorization] {
            context.access = await authenticator.authenticate(authorization: authorization, channel: channel, peerAddress: context.peerAddress)
        } else if let cookie = SessionCookie.value(in: request.headers[values: .cookie]) {
            context.access = try await resume(cookie, request, context)
            context.sessionCookie = cookie
        } else if let fingerprint {
            context.access = device(fingerprint, channel: channel, peerAddress: context.peerAddress)
        }
        // The device the request comes from, for policy conditions on it, whoever it proves.
        context.access.certificateFingerprint = fingerprint
        if case .anonymous = context.access.principal {
            // Recorded, and always refused: the gate lets nobody anonymous in. A request that
            // proves someone is recorded by its route's decision instead, not twice.
            _ = try? await gate.decide(context.access, .associate)
            throw WebProblem.unauthorized()
        }
        return try await next(request, context)
    }

    /// A request with no other credential over a connection whose client certificate is bound to
    /// a registered AE is that device (a modality's STOW-RS, say), as it would be over DICOM TLS;
    /// any other certificate proves nobody, and the refusal says which one it was.
    private func device(_ fingerprint: String, channel: AccessChannel, peerAddress: String) -> AccessContext {
        guard let entry = gate.registry.entry(boundTo: fingerprint) else {
            return AccessContext(principal: .anonymous, channel: channel, peerAddress: peerAddress, certificateFingerprint: fingerprint,
                                 authentication: .none,
                                 authenticationFailure: "the client certificate (sha256 \(CertificateFingerprint.abbreviated(fingerprint))) "
                                     + "is bound to no registered AE: bind it with rampart ae add TITLE --certificate FILE.pem, or send a credential")
        }
        let admission = entry.admission(host: Gate.host(of: peerAddress), certificateFingerprint: fingerprint)
        return AccessContext(principal: .applicationEntity(entry.title), channel: channel, peerAddress: peerAddress,
                             certificateFingerprint: fingerprint, authentication: admission.allowed ? admission.strength : .none,
                             authenticationFailure: admission.allowed ? nil : admission.reason)
    }

    /// SHA-256 of the TLS client certificate the connection's peer presented, if any.
    private static func certificateFingerprint(of channel: any Channel) async -> String? {
        guard let certificate = try? await channel.nioSSL_peerCertificate().get(), let der = try? certificate.toDERBytes() else { return nil }
        return CertificateFingerprint(der: der).hex
    }

    /// The session's user, or anonymous with why: an unknown or lapsed session, or a change
    /// without the page's CSRF token (a request forged by another site).
    private func resume(_ cookie: String, _ request: Request, _ context: Context) async throws -> AccessContext {
        var anonymous = AccessContext(principal: .anonymous, channel: .ui, peerAddress: context.peerAddress, authentication: .none)
        guard let session = try await sessions.resume(cookie: cookie) else {
            anonymous.authenticationFailure = "the session is unknown or has lapsed: log in again"
            return anonymous
        }
        if ![.get, .head, .options].contains(request.method), request.headers[SessionCookie.csrfHeader] != session.csrfToken {
            anonymous.authenticationFailure = "a \(request.method) in the session of \(session.user) without its CSRF token"
            return anonymous
        }
        return await authenticator.resume(user: session.user, signIn: session.signIn, channel: .ui, peerAddress: context.peerAddress)
    }
}
