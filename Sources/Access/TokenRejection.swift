/// Why a bearer token did not authenticate anyone. The description goes to the decision log: it
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
        case let .wrongIssuer(issuer): "token refused: issued by \(Self.printable(issuer)), not this server"
        case let .wrongAudience(audience): "token refused: meant for \(audience.map(Self.printable).joined(separator: ", ")), not this server"
        case let .expired(seconds): "token refused: expired \(seconds) s ago; issue a new one with rampart token issue"
        case let .notYetValid(seconds): "token refused: not valid for another \(seconds) s (check the clocks)"
        case let .unknownUser(name): "token refused: user \(Self.printable(name)) does not exist (removed?)"
        case let .disabledUser(name): "token refused: the account of user \(Self.printable(name)) is disabled (rampart user enable NAME)"
        }
    }

    static func printable(_ text: String) -> String { LogText.printable(text) }
}

