/// Why a bearer token did not authenticate anyone. The description goes to the audit log: it
/// names the claim that failed and never holds the token itself.
public enum TokenRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server has no signing key, so it can verify no token.
    case noVerificationKey(keyPath: String)
    /// Not three base64url parts with a JSON header and payload.
    case malformed(String)
    /// `alg: none`: an unsigned token.
    case unsigned
    /// Any algorithm other than ES256, e.g. HS256 made with the public key as an HMAC secret.
    case algorithmNotAllowed(String)
    case missingKeyID
    /// Signed by a key this server does not hold (another site's, or one since replaced).
    case unknownKeyID(String)
    /// The signature does not match the header and payload: forged or altered.
    case badSignature
    case wrongIssuer(String)
    case wrongAudience([String])
    case expired(secondsAgo: Int64)
    case notYetValid(secondsAhead: Int64)
    /// An identity provider's token signed with an HMAC (HS256...): a shared secret is no proof of
    /// the IdP, and HS256 made with a public key as the secret is the HS/RS confusion attack.
    case symmetricAlgorithm(String)
    /// An identity provider's token with an algorithm outside `BearerTokenVerifier.providerAlgorithms`.
    case providerAlgorithmNotAllowed(String)
    /// An identity provider's token names a key its JWKS file does not hold.
    case keyNotInKeySet(kid: String, source: String)
    /// The algorithm the token names is not the one its key is for (RS256 with an EC key, or one
    /// the JWKS entry's `alg` pins otherwise).
    case algorithmDoesNotMatchKey(algorithm: String, kid: String, keyType: String)
    /// An ID token whose `nonce` is not the one the server gave the browser login it ends: a
    /// token of another login, replayed or injected.
    case wrongNonce
    /// An ID token issued to another application (`azp`) than the client id of the login.
    case wrongAuthorizedParty(String)
    /// A claim the provider's settings need is absent.
    case missingClaim(String)
    /// The subject is no account (never was, or removed since the token was issued).
    case unknownUser(String)
    /// The subject's account is disabled (rampart user disable).
    case disabledUser(String)

    public var description: String {
        switch self {
        case let .noVerificationKey(path):
            "tokens are refused: this server has no token signing key (\(path)); run rampart token issue on its data folder (or rampart init on a new one), then restart serve"
        case let .malformed(why): "token refused: malformed (\(why))"
        case .unsigned: "token refused: unsigned (alg none)"
        case let .algorithmNotAllowed(algorithm): "token refused: algorithm \(Self.printable(algorithm)) is not allowed (only ES256)"
        case .missingKeyID: "token refused: no key id (kid) in its header"
        case let .unknownKeyID(kid): "token refused: unknown signing key id \(Self.printable(kid))"
        case .badSignature: "token refused: the signature does not match (forged or altered)"
        case let .wrongIssuer(issuer):
            "token refused: issued by \(Self.printable(issuer)), neither this server nor an identity provider under oidc: in rampart.yaml"
        case let .wrongAudience(audience): "token refused: meant for \(audience.map(Self.printable).joined(separator: ", ")), not this server"
        case let .expired(seconds): "token refused: expired \(seconds) s ago; get a new one (rampart token issue, or from the identity provider)"
        case let .notYetValid(seconds): "token refused: not valid for another \(seconds) s (check the clocks)"
        case let .symmetricAlgorithm(algorithm):
            "token refused: \(Self.printable(algorithm)) (a shared-secret HMAC) is never accepted from an identity provider; have the IdP sign with RS256 or ES256"
        case let .providerAlgorithmNotAllowed(algorithm):
            "token refused: algorithm \(Self.printable(algorithm)) is not accepted from an identity provider (only \(BearerTokenVerifier.providerAlgorithms.joined(separator: ", ")))"
        case let .keyNotInKeySet(kid, source):
            "token refused: key id \(Self.printable(kid)) is not in \(source): refresh the file from the IdP's jwks_uri (it may have rotated its keys)"
        case let .algorithmDoesNotMatchKey(algorithm, kid, keyType):
            "token refused: algorithm \(Self.printable(algorithm)) does not fit key \(Self.printable(kid)) (\(keyType)\(keyType == "RSA" || keyType.hasPrefix("EC") ? "" : ", a key type Rampart does not verify with")): forged, or the JWKS entry's alg differs"
        case .wrongNonce:
            "token refused: its nonce is not the one this login was given (a token of another login, replayed or injected); start the login again"
        case let .wrongAuthorizedParty(party):
            "token refused: issued to the application \(Self.printable(party)) (azp), not to this server's client id"
        case let .missingClaim(claim):
            "token refused: no usable \(Self.printable(claim)) claim; check the identity provider's token settings, and username_claim for its issuer under oidc: in rampart.yaml"
        case let .unknownUser(name): "token refused: user \(Self.printable(name)) does not exist (removed?)"
        case let .disabledUser(name): "token refused: the account of user \(Self.printable(name)) is disabled (rampart user enable NAME)"
        }
    }

    static func printable(_ text: String) -> String { LogText.printable(text) }
}

