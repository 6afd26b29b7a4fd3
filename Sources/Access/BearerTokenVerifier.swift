import Foundation
import JWTKit

/// Checks any bearer token the server accepts: its own (`TokenVerifier`) or an OpenID Connect
/// provider's. The token's `iss`, read before anything is trusted, only picks whose keys and
/// rules apply; every check is then that issuer's, so claiming another issuer gains nothing.
public struct BearerTokenVerifier: Sendable {
    /// The server's own tokens: checked with its key, or refused when it has none.
    public enum OwnTokens: Sendable {
        case verifier(TokenVerifier)
        case refused(TokenRejection)
    }

    /// The only algorithms accepted from an identity provider: asymmetric ones, each checked
    /// against the type of the key its `kid` names (RFC 8725 3.1).
    public static let providerAlgorithms = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]
    /// How far an identity provider's clock may be from ours, in seconds, for exp and nbf.
    public static let clockLeeway: Int64 = 30

    public let own: OwnTokens
    public let providers: [OIDCProvider]

    public init(own: OwnTokens, providers: [OIDCProvider] = []) {
        self.own = own
        self.providers = providers
    }

    /// Who `token` authenticates. For the server's own tokens the user must have an account,
    /// and acts with its roles; an identity provider's user needs none, but a local account of
    /// the same name that is disabled refuses it too.
    public func verify(_ token: String, users: UserDirectory, now: Date = Date()) async throws(TokenRejection) -> VerifiedToken {
        let unverified = try UnverifiedJWT(token, payload: true)
        if let issuer = unverified.issuer, let provider = providers.first(where: { $0.issuer == issuer }) {
            return try await verify(token, unverified, from: provider, audience: provider.audience, nonce: nil, users: users, now: now)
        }
        switch own {
        case let .verifier(verifier):
            if let issuer = unverified.issuer, issuer != verifier.issuer { throw .wrongIssuer(issuer) }
            let claims = try await verifier.verify(token, header: unverified, users: users, now: now)
            return VerifiedToken(subject: claims.subject, roles: users[claims.subject]?.roles ?? [], issuer: claims.issuer,
                                 purposeOfUse: claims.purposeOfUse, personName: users[claims.subject]?.personName)
        case let .refused(rejection):
            if let issuer = unverified.issuer, issuer != TokenVerifier.defaultIssuer { throw .wrongIssuer(issuer) }
            throw rejection
        }
    }

    /// An ID token that the web UI got from `issuer`'s token endpoint in a browser login, for the
    /// login the server gave `nonce` to (OpenID Connect Core 3.1.3.7). Checked as that provider's
    /// bearer tokens are, except that `aud` must hold the client id the login used, `azp` (when
    /// present) must be it, and `nonce` must be the login's: a token obtained for another login or
    /// another application opens no session. The provider is the configured one, never the one the
    /// token names.
    public func verifyIDToken(_ token: String, issuer: String, clientID: String, nonce: String, users: UserDirectory,
                              now: Date = Date()) async throws(TokenRejection) -> VerifiedToken {
        guard let provider = providers.first(where: { $0.issuer == issuer }) else { throw .wrongIssuer(issuer) }
        return try await verify(token, try UnverifiedJWT(token, payload: true), from: provider, audience: clientID, nonce: nonce, users: users,
                                now: now)
    }

    /// A provider's token for `audience`; with `nonce`, an ID token of the browser login that expects it.
    private func verify(_ token: String, _ unverified: UnverifiedJWT, from provider: OIDCProvider, audience expected: String, nonce: String?,
                        users: UserDirectory, now: Date) async throws(TokenRejection) -> VerifiedToken {
        guard let algorithm = unverified.algorithm else { throw .malformed("no alg in its header") }
        guard algorithm.lowercased() != "none" else { throw .unsigned }
        guard !algorithm.uppercased().hasPrefix("HS") else { throw .symmetricAlgorithm(algorithm) }
        guard Self.providerAlgorithms.contains(algorithm) else { throw .providerAlgorithmNotAllowed(algorithm) }
        guard let kid = unverified.keyID else { throw .missingKeyID }
        let keySet = provider.keys()
        guard let key = keySet.keys[kid] else { throw .keyNotInKeySet(kid: kid, source: keySet.source) }
        guard key.fits(algorithm) else { throw .algorithmDoesNotMatchKey(algorithm: algorithm, kid: kid, keyType: key.typeDescription) }

        let claims: OIDCClaims
        do {
            claims = try await key.collection(for: algorithm, kid: kid).verify(token, as: OIDCClaims.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw .badSignature
        } catch {
            throw .malformed("its signature or claims cannot be read")
        }

        let payload = ClaimValue.object(claims.fields)
        guard payload.value(at: "iss")?.string == provider.issuer else { throw .wrongIssuer(payload.value(at: "iss")?.string ?? "") }
        let audience = payload.value(at: "aud")?.names ?? []
        guard audience.contains(expected) else { throw .wrongAudience(audience) }
        if let nonce {
            guard payload.value(at: "nonce")?.string == nonce else { throw .wrongNonce }
            if let party = payload.value(at: "azp")?.string, party != expected { throw .wrongAuthorizedParty(party) }
        }
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        guard let expiry = payload.value(at: "exp")?.number, expiry.isFinite else { throw .missingClaim("exp") }
        let expires = wholeSeconds(expiry)
        guard expires + Self.clockLeeway > seconds else { throw .expired(secondsAgo: seconds - expires) }
        if let notBefore = payload.value(at: "nbf")?.number.map(wholeSeconds), notBefore - Self.clockLeeway > seconds {
            throw .notYetValid(secondsAhead: notBefore - seconds)
        }

        let nameClaim = provider.usernameClaim ?? (payload.value(at: "preferred_username")?.string != nil ? "preferred_username" : "sub")
        guard let name = payload.value(at: nameClaim)?.string else { throw .missingClaim(nameClaim) }
        do {
            try UserAccount.validate(name: name)
        } catch {
            throw .malformed("its \(nameClaim) claim is not a user name Rampart accepts (1-64 letters, digits, '.', '_', '-', '@')")
        }
        if users[name]?.disabled == true { throw .disabledUser(name) }
        let roles = provider.roles(from: payload.value(at: provider.rolesClaim)?.names ?? [])
        // A DICOM person name (for `referring_physician: self`) is a site's fact, not the IdP's:
        // the local account of the same name gives it, when there is one.
        return VerifiedToken(subject: name, roles: roles, issuer: provider.issuer, purposeOfUse: payload.value(at: "purpose_of_use")?.string,
                             personName: users[name]?.personName)
    }
}

/// An identity provider's payload, as plain JSON: which claims matter is configuration.
private struct OIDCClaims: JWTPayload {
    let fields: [String: ClaimValue]

    init(from decoder: any Decoder) throws {
        fields = try decoder.singleValueContainer().decode([String: ClaimValue].self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(fields)
    }

    /// The checks need the provider's settings and the clock, so `BearerTokenVerifier` makes them.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// A JSON number of seconds as whole seconds, bounded (±2^52 s is ~140 million years) so that
/// no absurd value traps in the arithmetic that follows.
private func wholeSeconds(_ value: Double) -> Int64 {
    Int64(min(max(value, -0x1p52), 0x1p52).rounded(.down))
}
