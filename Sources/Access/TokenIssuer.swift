import Foundation
import JWTKit

/// Issues Rampart's access tokens: ES256 JWTs for one user, short-lived by construction.
public struct TokenIssuer: Sendable {
    /// The longest life a token may have: a leaked token is useful for at most this long.
    public static let maximumLifetime: Int64 = 24 * 3600

    public let key: TokenSigningKey
    public let issuer: String
    public let audience: String

    public init(key: TokenSigningKey, issuer: String = TokenVerifier.defaultIssuer, audience: String = TokenVerifier.defaultAudience) {
        self.key = key
        self.issuer = issuer
        self.audience = audience
    }

    /// A token for `account`, valid from `now` for `lifetime` seconds (1 s to 24 h), declaring
    /// `purposeOfUse` when given.
    public func issue(for account: UserAccount, lifetime: Int64, purposeOfUse: String? = nil, now: Date = Date()) async throws(TokenIssueError) -> IssuedToken {
        guard (1...Self.maximumLifetime).contains(lifetime) else {
            throw .lifetimeOutOfRange(lifetime)
        }
        let issuedAt = Int64(now.timeIntervalSince1970.rounded(.down))
        let claims = AccessTokenClaims(issuer: issuer, subject: account.name, audience: [audience], issuedAt: issuedAt,
                                       notBefore: issuedAt, expires: issuedAt + lifetime, id: UUID().uuidString.lowercased(),
                                       roles: account.roles, purposeOfUse: purposeOfUse)
        do {
            let keys = JWTKeyCollection()
            await keys.add(ecdsa: try ES256PrivateKey(backing: key.privateKey), kid: JWKIdentifier(string: key.id))
            let token = try await keys.sign(claims, kid: JWKIdentifier(string: key.id), header: ["typ": "JWT"])
            return IssuedToken(token: token, claims: claims)
        } catch {
            throw .signingFailed("\(error)")
        }
    }
}

/// A token and what it says.
public struct IssuedToken: Sendable {
    /// The compact JWT: a bearer credential, to be shown only to its user.
    public let token: String
    public let claims: AccessTokenClaims
}

public enum TokenIssueError: Error, Sendable, Equatable, CustomStringConvertible {
    case lifetimeOutOfRange(Int64)
    case signingFailed(String)

    public var description: String {
        switch self {
        case let .lifetimeOutOfRange(seconds):
            "a token may live 1 s to 24 h, not \(seconds) s; give a --ttl in that range, such as 1h"
        case let .signingFailed(why): "signing the token failed: \(why)"
        }
    }
}
