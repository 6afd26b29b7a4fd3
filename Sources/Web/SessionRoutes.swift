import Access
import Foundation
import HTTPTypes
import Hummingbird

/// The web UI's login and logout (`/api/session`): a user's password (and one-time code), or an
/// identity provider's ID token, buys a session cookie; the login, and every failed one, is a
/// decision of the gate and so a record of the audit log, as a DIMSE sign-in is.
///
/// A login through an identity provider is the authorization code flow with PKCE done by the
/// page as a public client: `oidc/start` gives the page the provider's endpoints and a state and
/// nonce, remembered for ten minutes and bound to the browser by a cookie; the page sends the
/// user to the provider, exchanges the code it comes back with at the token endpoint itself, and
/// posts the ID token to `oidc`, which must carry that nonce.
struct SessionRoutes: Sendable {
    static let path = WebServer.apiPrefix + "/session"

    let gate: Gate
    let authenticator: any RequestAuthenticator
    let sessions: SessionStore
    /// The identity providers offered for login.
    let providers: [BrowserLoginProvider]
    let pendingLogins: PendingLoginStore
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

    /// What the login page shows of a provider: nothing of its address.
    struct ProviderInfo: Encodable {
        let id: String
        let displayName: String
    }

    struct StartLogin: Decodable {
        let provider: String
    }

    /// What the page needs to send the user to the provider and exchange the code it brings back.
    struct LoginStart: Encodable {
        let authorizationEndpoint: String
        let tokenEndpoint: String
        let clientId: String
        let scope: String
        let state: String
        let nonce: String
    }

    struct ProviderLogin: Decodable {
        let state: String
        let idToken: String
    }

    /// The requests that log in, which carry no credential yet.
    static func isLogin(_ request: Request) -> Bool {
        switch (request.method, request.uri.path) {
        case (.post, path), (.get, path + "/providers"), (.post, path + "/oidc/start"), (.post, path + "/oidc"): true
        default: false
        }
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
            return try await open(name, access, signIn: .account(access.authentication))
        }
        group.get("session") { _, context in
            guard case let .user(name) = context.access.principal else {
                throw WebProblem(.notFound, "\(context.access.principal) has no session: sessions are for users")
            }
            var csrf: String?
            if let cookie = context.sessionCookie { csrf = try await sessions.resume(cookie: cookie)?.csrfToken }
            return try Response.json(SessionInfo(user: name, roles: context.access.roles, authentication: context.access.authentication.description,
                                             csrfToken: csrf))
        }
        group.delete("session") { _, context in
            if let cookie = context.sessionCookie { try await sessions.close(cookie: cookie) }
            return Response(status: .noContent, headers: [.setCookie: SessionCookie.clearing(secure: secure)])
        }
        group.get("session/providers") { _, _ in
            try Response.json(providers.map { ProviderInfo(id: $0.id, displayName: $0.displayName) })
        }
        group.post("session/oidc/start") { request, context in
            let start = try await request.decode(as: StartLogin.self, context: context)
            guard let provider = providers.first(where: { $0.id == start.provider }) else {
                try await refuse("a login with identity provider \(LogText.printable(String(start.provider.prefix(40)))), which this server does not offer",
                                 context, status: .notFound, detail: "no such identity provider is offered for login here: reload the login page")
            }
            let login = try await pendingLogins.begin(provider: provider.id)
            var response = try Response.json(LoginStart(authorizationEndpoint: provider.authorizationEndpoint, tokenEndpoint: provider.tokenEndpoint,
                                                        clientId: provider.clientID, scope: provider.scope, state: login.state, nonce: login.nonce))
            response.headers[.setCookie] = SessionCookie.settingLogin(login.browser, secure: secure)
            return response
        }
        group.post("session/oidc") { request, context in
            let answer = try await request.decode(as: ProviderLogin.self, context: context)
            let browser = SessionCookie.value(in: request.headers[values: .cookie], named: SessionCookie.loginName)
            let login: PendingLoginStore.PendingLogin
            do {
                login = try await pendingLogins.finish(state: answer.state, browser: browser)
            } catch let refusal as PendingLoginStore.Refusal {
                try await refuse("a login through an identity provider: \(refusal)", context, detail: "\(refusal)")
            }
            guard let provider = providers.first(where: { $0.id == login.provider }) else {
                try await refuse("a login through identity provider \(login.provider), no longer offered", context,
                                 detail: "that identity provider is no longer offered for login here: reload the login page")
            }
            let access = await authenticator.signIn(idToken: answer.idToken, from: provider, nonce: login.nonce, peerAddress: context.peerAddress)
            guard case let .user(name) = access.principal else {
                _ = try? await gate.decide(access, .associate)
                throw WebProblem(.unauthorized, "\(provider.displayName)'s answer was refused: \(access.authenticationFailure ?? "it proves nobody")")
            }
            guard (try? await gate.decide(access, .associate)) != nil else {
                throw WebProblem(.unauthorized, "\(provider.displayName) signed you in as \(name), but your roles do not let you in here; ask an administrator")
            }
            var response = try await open(name, access, signIn: .identityProvider(issuer: provider.issuer, roles: access.roles))
            response.headers.append(HTTPField(name: .setCookie, value: SessionCookie.clearingLogin(secure: secure)))
            return response
        }
    }

    /// A session for the user the gate just let in, and its cookie.
    private func open(_ name: String, _ access: AccessContext, signIn: SessionSignIn) async throws -> Response {
        let (cookie, csrf) = try await sessions.open(user: name, signIn: signIn)
        var response = try Response.json(SessionInfo(user: name, roles: access.roles, authentication: access.authentication.description, csrfToken: csrf))
        response.headers[.setCookie] = SessionCookie.setting(cookie, secure: secure)
        return response
    }

    /// Records a login refused before anyone was proven (DESIGN.md rule 2) and answers `detail`.
    private func refuse(_ failure: String, _ context: WebRequestContext, status: HTTPResponse.Status = .unauthorized,
                        detail: String) async throws -> Never {
        let access = AccessContext(principal: .anonymous, channel: .ui, peerAddress: context.peerAddress, authentication: .none,
                                   authenticationFailure: failure)
        _ = try? await gate.decide(access, .associate)
        throw WebProblem(status, detail)
    }
}
