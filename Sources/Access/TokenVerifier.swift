import Foundation
import JWTKit

/// Checks a bearer token that Rampart issued: the header first (ES256 only, this server's key
/// id), then the signature with jwt-kit, then issuer, audience and validity period against the
/// given clock, then that the user still exists. Each failure is a `TokenRejection` that says which.
public struct TokenVerifier: Sendable {
    public static let defaultIssuer = "rampart"
    public static let defaultAudience = "rampart"
    /// The only algorithm accepted: an algorithm named by the token itself is never trusted
    /// (RFC 8725 3.1), so `none` and HS256-with-the-public-key are refused before any check.
    static let algorithm = "ES256"
    public let key: TokenVerificationKey
    public let issuer: String
    public let audience: String

    public init(key: TokenVerificationKey, issuer: String = defaultIssuer, audience: String = defaultAudience) {
        self.key = key
        self.issuer = issuer
        self.audience = audience
    }

    /// The claims of `token` when it authenticates a user who is in `users`.
    public func verify(_ token: String, users: UserDirectory, now: Date = Date()) async throws(TokenRejection) -> AccessTokenClaims {
        try await verify(token, header: try UnverifiedJWT(token), users: users, now: now)
    }

    /// `verify` for a token whose header the caller has read already.
    func verify(_ token: String, header: UnverifiedJWT, users: UserDirectory, now: Date) async throws(TokenRejection) -> AccessTokenClaims {
        guard let algorithm = header.algorithm else { throw .malformed("no alg in its header") }
        guard algorithm.lowercased() != "none" else { throw .unsigned }
        guard algorithm == Self.algorithm else { throw .algorithmNotAllowed(algorithm) }
        guard let kid = header.keyID else { throw .missingKeyID }
        guard kid == key.id else { throw .unknownKeyID(kid) }

        let claims: AccessTokenClaims
        do {
            let keys = JWTKeyCollection()
            await keys.add(ecdsa: try ES256PublicKey(backing: key.publicKey), kid: JWKIdentifier(string: key.id))
            claims = try await keys.verify(token, as: AccessTokenClaims.self)
        } catch let rejection as TokenRejection {
            throw rejection
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw .badSignature
        } catch {
            throw .malformed("its signature or claims cannot be read")
        }

        guard claims.issuer == issuer else { throw .wrongIssuer(claims.issuer) }
        guard claims.audience.contains(audience) else { throw .wrongAudience(claims.audience) }
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        guard claims.expires > seconds else { throw .expired(secondsAgo: seconds - claims.expires) }
        guard claims.notBefore <= seconds else { throw .notYetValid(secondsAhead: claims.notBefore - seconds) }
        guard let account = users[claims.subject] else { throw .unknownUser(claims.subject) }
        guard !account.disabled else { throw .disabledUser(claims.subject) }
        return claims
    }
}
