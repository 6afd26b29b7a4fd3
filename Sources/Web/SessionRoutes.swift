import Access
import Foundation
import HTTPTypes
import Hummingbird

/// The web UI's login and logout (`/api/session`): a user's password (and one-time code) buys
/// a session cookie; the login, and every failed one, is a decision of the gate and so a
/// record of the audit log, as a DIMSE sign-in is.
struct SessionRoutes: Sendable {
    static let path = WebServer.apiPrefix + "/session"

    let gate: Gate
    let authenticator: any RequestAuthenticator
    let sessions: SessionStore
    /// Over TLS: the cookie is marked Secure.
    let secure: Bool

    struct Login: Decodable {
        let username: String
        /// The password, followed by the one-time code when the user has a second factor.
        let password: String
    }

    struct SessionInfo: Encodable {
        let user: String
        let roles: [String]
        let authentication: String
        /// What a page sends in `X-CSRF-Token` to change anything; nil outside a cookie session.
        let csrfToken: String?
    }

    func add(to group: RouterGroup<WebRequestContext>) {
        group.post("session") { request, context in
            let login = try await request.decode(as: Login.self, context: context)
            var access = await authenticator.signIn(name: login.username, secret: login.password, channel: .ui, peerAddress: context.peerAddress)
            if case .service = access.principal {
                access = AccessContext(principal: .anonymous, channel: .ui, peerAddress: context.peerAddress, authentication: .none,
                                       authenticationFailure: "service \(LogText.printable(login.username)) tried to log in to the web UI; services use their API key")
            }
            guard case let .user(name) = access.principal, (try? await gate.decide(access, .associate)) != nil else {
                if case .anonymous = access.principal { _ = try? await gate.decide(access, .associate) }
                throw WebProblem(.unauthorized, "the user name or password is wrong, or the account is locked or disabled")
            }
            let (cookie, csrf) = sessions.open(user: name, strength: access.authentication, now: .now())
            var response = try Response.json(SessionInfo(user: name, roles: access.roles, authentication: access.authentication.description, csrfToken: csrf))
            response.headers[.setCookie] = SessionCookie.setting(cookie, secure: secure)
            return response
        }
        group.get("session") { _, context in
            guard case let .user(name) = context.access.principal else {
                throw WebProblem(.notFound, "\(context.access.principal) has no session: sessions are for users")
            }
            let csrf = context.sessionCookie.flatMap { sessions.resume(cookie: $0, now: .now())?.csrfToken }
            return try Response.json(SessionInfo(user: name, roles: context.access.roles, authentication: context.access.authentication.description,
                                             csrfToken: csrf))
        }
        group.delete("session") { _, context in
            if let cookie = context.sessionCookie { sessions.close(cookie: cookie) }
            return Response(status: .noContent, headers: [.setCookie: SessionCookie.clearing(secure: secure)])
        }
    }
}
