import Access
import Foundation
import Web
import Logs

/// Who an HTTP request's `Authorization` header proves (RFC 9110 11.6.2):
/// - `Bearer <token>`: a token of this server (`rampart token issue`) or of a configured
///   identity provider, with the user's roles and the token's purpose of use;
/// - `Basic <name:secret>`: a service account and its API key, or a user's password (with the
///   one-time code appended when the user has a second factor), under the same login throttle
///   as DIMSE sign-ins. A token is the better choice for a user: a password runs scrypt on
///   every request.
/// Anything else proves nobody. Checked on every request: an expired token or a revoked key
/// acts no more from its next request on.
struct HTTPSignIn: RequestAuthenticator {
    let credentials: Credentials
    let audit: AuditTrail
    let log: Log

    func authenticate(authorization: String?, channel: AccessChannel, peerAddress: String) async -> AccessContext {
        let anonymous = AccessContext(principal: .anonymous, channel: channel, peerAddress: peerAddress, authentication: .none)
        guard let authorization else { return anonymous }
        let (scheme, value) = Self.split(authorization)
        switch scheme {
        case "bearer":
            do {
                let verified = try await credentials.tokens.verify(value, users: credentials.users)
                return AccessContext(principal: .user(verified.subject), roles: verified.roles, channel: channel, peerAddress: peerAddress,
                                     authentication: .token, purposeOfUse: verified.purposeOfUse, personName: verified.personName)
            } catch {
                return failed(anonymous, "bearer token: \(error)")
            }
        case "basic":
            guard let decoded = Data(base64Encoded: value).flatMap({ String(data: $0, encoding: .utf8) }),
                  let colon = decoded.firstIndex(of: ":")
            else { return failed(anonymous, "the Basic credential is not base64 of name:secret") }
            return await signIn(name: String(decoded[..<colon]), secret: String(decoded[decoded.index(after: colon)...]), channel: channel,
                                peerAddress: peerAddress)
        default:
            return failed(anonymous, "the Authorization scheme \(LogText.printable(String(scheme.prefix(20)))) is not Bearer or Basic")
        }
    }

    func signIn(name: String, secret: String, channel: AccessChannel, peerAddress: String) async -> AccessContext {
        let anonymous = AccessContext(principal: .anonymous, channel: channel, peerAddress: peerAddress, authentication: .none)
        switch await credentials.signIn(name: name, secret: secret, peerHost: Gate.host(of: peerAddress)) {
        case let .success(.service(account)):
            return AccessContext(principal: .service(account.name), roles: account.roles, channel: channel, peerAddress: peerAddress,
                                 authentication: .apiKey, scope: account.scope)
        case let .success(.user(account, secondFactor)):
            return AccessContext(principal: .user(account.name), roles: account.roles, channel: channel, peerAddress: peerAddress,
                                 authentication: secondFactor ? .mfa : .password, personName: account.personName)
        case let .failure(failure):
            if !failure.locked.isEmpty { audit.recordLockout(failure.locked, anonymous, log: log) }
            let kind = APIKey.isKey(secret) ? "service" : "user"
            return failed(anonymous, "\(failure) (\(kind) \"\(LogText.printable(name))\")")
        }
    }

    func signIn(idToken: String, from provider: BrowserLoginProvider, nonce: String, peerAddress: String) async -> AccessContext {
        let anonymous = AccessContext(principal: .anonymous, channel: .ui, peerAddress: peerAddress, authentication: .none)
        do {
            let verified = try await credentials.tokens.verifyIDToken(idToken, issuer: provider.issuer, clientID: provider.clientID, nonce: nonce,
                                                                      users: credentials.users)
            return AccessContext(principal: .user(verified.subject), roles: verified.roles, channel: .ui, peerAddress: peerAddress,
                                 authentication: .token, purposeOfUse: verified.purposeOfUse, personName: verified.personName)
        } catch {
            return failed(anonymous, "ID token of \(provider.issuer) for a browser login: \(error)")
        }
    }

    func resume(user: String, signIn: SessionSignIn, channel: AccessChannel, peerAddress: String) async -> AccessContext {
        let account = credentials.users[user]
        switch signIn {
        case let .account(strength):
            guard let account, !account.disabled else {
                return failed(AccessContext(principal: .anonymous, channel: channel, peerAddress: peerAddress, authentication: .none),
                              "the account of user \(user) was disabled or removed after the session began")
            }
            return AccessContext(principal: .user(user), roles: account.roles, channel: channel, peerAddress: peerAddress, authentication: strength,
                                 personName: account.personName)
        case let .identityProvider(_, roles):
            // As for the provider's bearer tokens: no local account is needed, a disabled one refuses.
            if account?.disabled == true {
                return failed(AccessContext(principal: .anonymous, channel: channel, peerAddress: peerAddress, authentication: .none),
                              "the account of user \(user) was disabled after the session began")
            }
            return AccessContext(principal: .user(user), roles: roles, channel: channel, peerAddress: peerAddress, authentication: .token,
                                 personName: account?.personName)
        }
    }

    private func failed(_ anonymous: AccessContext, _ reason: String) -> AccessContext {
        var context = anonymous
        context.authenticationFailure = reason
        return context
    }

    /// "Scheme value" to the scheme, lowercased (schemes are case-insensitive), and the value.
    private static func split(_ header: String) -> (String, String) {
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard let space = trimmed.firstIndex(of: " ") else { return (trimmed.lowercased(), "") }
        return (trimmed[..<space].lowercased(), trimmed[space...].trimmingCharacters(in: .whitespaces))
    }
}
