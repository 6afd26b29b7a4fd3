import Crypto
import DICOM
import Foundation

/// The ES256 (ECDSA P-256, SHA-256) key Rampart signs its access tokens with. The server keeps
/// it in its data folder; `id` names it in each token's `kid` header so a token signed by any
/// other key (another site's, or one since replaced) is refused by name.
public struct TokenSigningKey: Sendable {
    let privateKey: P256.Signing.PrivateKey

    /// A new random key.
    public init() {
        privateKey = P256.Signing.PrivateKey()
    }

    /// A key from its PKCS#8 PEM form (what `pemRepresentation` writes).
    public init(pem: String) throws(TokenKeyError) {
        do {
            privateKey = try P256.Signing.PrivateKey(pemRepresentation: pem)
        } catch {
            throw .unreadable("not a P-256 private key in PEM (\(error))")
        }
    }

    public var pemRepresentation: String { privateKey.pemRepresentation }

    /// What a verifier needs: the public half and its id.
    public var verificationKey: TokenVerificationKey { TokenVerificationKey(publicKey: privateKey.publicKey) }

    public var id: String { verificationKey.id }
}

/// The public half of a `TokenSigningKey`, with its key id.
public struct TokenVerificationKey: Sendable {
    let publicKey: P256.Signing.PublicKey
    /// The first 16 bytes of the SHA-256 of the public key's DER form, in hex: stable for the
    /// key's life and different for every key.
    public let id: String

    init(publicKey: P256.Signing.PublicKey) {
        self.publicKey = publicKey
        id = Hex.lowercase(SHA256.hash(data: publicKey.derRepresentation).prefix(16))
    }
}

public enum TokenKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(String)

    public var description: String {
        switch self {
        case let .unreadable(why): "the token signing key is unreadable: \(why); remove it and run rampart token issue to make a new one (tokens already issued stop working)"
        }
    }
}
