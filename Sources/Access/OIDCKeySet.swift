import Foundation
import JWTKit

/// An identity provider's signing keys, from a JWKS document (RFC 7517 5) the operator saved
/// from the IdP's `jwks_uri`: Rampart never fetches keys over the network, so a compromised DNS
/// or proxy cannot hand it a key. Keys for encryption (`"use": "enc"`) and keys without a `kid`
/// are left out: a token must name its key.
public struct OIDCKeySet: Sendable {
    /// The file the keys came from, for messages that tell the operator what to refresh.
    public let source: String
    let keys: [String: OIDCPublicKey]

    public var keyIDs: [String] { keys.keys.sorted() }

    public init(json: Data, source: String) throws(OIDCKeySetError) {
        self.source = source
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: json)
        } catch {
            throw .unreadable(source: source, "not a JWKS document (a JSON object with a \"keys\" array)")
        }
        var keys: [String: OIDCPublicKey] = [:]
        for entry in document.keys where entry.use != "enc" {
            guard let kid = entry.kid else { continue }
            guard keys[kid] == nil else { throw .unreadable(source: source, "key id \(LogText.printable(kid)) appears twice") }
            keys[kid] = try OIDCPublicKey(entry, source: source)
        }
        self.keys = keys
    }

    /// The JSON of one key, as the JWKS has it (RFC 7518 6).
    struct Entry: Decodable {
        var kty: String?
        var kid: String?
        var alg: String?
        var use: String?
        var n: String?
        var e: String?
        var crv: String?
        var x: String?
        var y: String?
    }

    private struct Document: Decodable {
        var keys: [Entry]
    }
}

/// A public key of a JWKS, and the algorithm its entry pins, if any.
struct OIDCPublicKey: Sendable {
    enum Material: Sendable {
        case rsa(Insecure.RSA.PublicKey)
        case p256(ES256PublicKey)
        case p384(ES384PublicKey)
        /// A key type Rampart does not verify with (`oct`, `OKP`, another curve): kept so that a
        /// token naming it is refused with what it is.
        case unsupported(String)
    }

    let material: Material
    /// The entry's `alg` (RFC 7517 4.4): when present, a token must name exactly this.
    let pinnedAlgorithm: String?

    var typeDescription: String {
        switch material {
        case .rsa: "RSA"
        case .p256: "EC P-256"
        case .p384: "EC P-384"
        case let .unsupported(type): type
        }
    }

    init(_ entry: OIDCKeySet.Entry, source: String) throws(OIDCKeySetError) {
        pinnedAlgorithm = entry.alg
        let kid = LogText.printable(entry.kid ?? "")
        do {
            switch (entry.kty, entry.crv) {
            case ("RSA", _):
                guard let n = entry.n, let e = entry.e else { throw OIDCKeySetError.unreadable(source: source, "RSA key \(kid) lacks n or e") }
                material = .rsa(try Insecure.RSA.PublicKey(modulus: n, exponent: e))
            case ("EC", "P-256"):
                guard let x = entry.x, let y = entry.y else { throw OIDCKeySetError.unreadable(source: source, "EC key \(kid) lacks x or y") }
                material = .p256(try ES256PublicKey(parameters: (x: x, y: y)))
            case ("EC", "P-384"):
                guard let x = entry.x, let y = entry.y else { throw OIDCKeySetError.unreadable(source: source, "EC key \(kid) lacks x or y") }
                material = .p384(try ES384PublicKey(parameters: (x: x, y: y)))
            case let (type, curve):
                material = .unsupported(LogText.printable([type ?? "untyped", curve].compactMap { $0 }.joined(separator: " ")))
            }
        } catch let error as OIDCKeySetError {
            throw error
        } catch {
            throw .unreadable(source: source, "key \(kid) is not a valid \(entry.kty ?? "") public key (\(error))")
        }
    }

    /// Whether a token signed with `algorithm` can have been made with this key: RSA keys sign
    /// RS* and PS*, a P-256 key ES256, a P-384 key ES384. Anything else is the HS/RS kind of
    /// confusion, where a verifier is made to use the key for another algorithm than its own.
    func fits(_ algorithm: String) -> Bool {
        if let pinnedAlgorithm, pinnedAlgorithm != algorithm { return false }
        return switch material {
        case .rsa: ["RS256", "RS384", "RS512", "PS256"].contains(algorithm)
        case .p256: algorithm == "ES256"
        case .p384: algorithm == "ES384"
        case .unsupported: false
        }
    }

    /// A key collection holding only this key, for `algorithm` (which `fits`).
    func collection(for algorithm: String, kid: String) async -> JWTKeyCollection {
        let keys = JWTKeyCollection()
        let id = JWKIdentifier(string: kid)
        switch material {
        case let .rsa(key):
            switch algorithm {
            case "RS384": await keys.add(rsa: key, digestAlgorithm: .sha384, kid: id)
            case "RS512": await keys.add(rsa: key, digestAlgorithm: .sha512, kid: id)
            case "PS256": await keys.add(pss: key, digestAlgorithm: .sha256, kid: id)
            default: await keys.add(rsa: key, digestAlgorithm: .sha256, kid: id)
            }
        case let .p256(key): await keys.add(ecdsa: key, kid: id)
        case let .p384(key): await keys.add(ecdsa: key, kid: id)
        case .unsupported: break
        }
        return keys
    }
}

public enum OIDCKeySetError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(source: String, String)

    public var description: String {
        switch self {
        case let .unreadable(source, why):
            "\(source) is not a usable key set: \(why); save the IdP's JWKS (its jwks_uri, from /.well-known/openid-configuration) to this file again"
        }
    }
}
