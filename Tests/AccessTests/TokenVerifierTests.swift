import Crypto
import Foundation
import Testing
@testable import Access

/// Issue and verify, and every way a token must be refused. Attack tokens are made by hand here,
/// not with jwt-kit, so they are exactly what an attacker would send.
@Suite struct TokenVerifierTests {
    private static let cheap = PasswordHash.Cost(logN: 4, blockSize: 8, parallelism: 1)
    private let key = TokenSigningKey()
    private let now = Date(timeIntervalSince1970: 1_900_000_000)

    private func users(_ names: String...) throws -> UserDirectory {
        UserDirectory(try names.map { UserAccount(name: $0, roles: ["radiologist"], password: try PasswordHash.make(password: "pw", cost: Self.cheap)) })
    }

    private func issue(_ name: String = "ana", lifetime: Int64 = 3600, at time: Date? = nil, issuer: String = "rampart",
                       audience: String = "rampart", key: TokenSigningKey? = nil) async throws -> String {
        let account = try #require(try users(name)[name])
        return try await TokenIssuer(key: key ?? self.key, issuer: issuer, audience: audience)
            .issue(for: account, lifetime: lifetime, now: time ?? now).token
    }

    private func verify(_ token: String, users: UserDirectory? = nil) async throws -> AccessTokenClaims {
        try await TokenVerifier(key: key.verificationKey).verify(token, users: users ?? self.users("ana"), now: now)
    }

    private func rejection(_ token: String, users: UserDirectory? = nil) async throws -> TokenRejection? {
        do {
            _ = try await verify(token, users: users)
            return nil
        } catch let error as TokenRejection {
            #expect(token.count < 16 || !error.description.contains(token), "a reason must never hold the token")
            return error
        }
    }

    // MARK: tokens made by hand

    private static func base64URL(_ data: some DataProtocol) -> String {
        Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func json(_ object: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    private func claims(subject: String = "ana") -> [String: Any] {
        let t = Int(now.timeIntervalSince1970)
        return ["iss": "rampart", "sub": subject, "aud": "rampart", "iat": t, "nbf": t, "exp": t + 3600, "jti": "hand-made", "roles": ["admin"]]
    }

    /// header.payload, unsigned.
    private static func signingInput(_ header: [String: Any], _ claims: [String: Any]) throws -> String {
        base64URL(try json(header)) + "." + base64URL(try json(claims))
    }

    /// An ES256 JWS (RFC 7518 3.4: the signature is r || s) with any header and any key.
    private static func es256(_ header: [String: Any], _ claims: [String: Any], with key: P256.Signing.PrivateKey) throws -> String {
        let input = try signingInput(header, claims)
        return input + "." + base64URL(try key.signature(for: Data(input.utf8)).rawRepresentation)
    }

    // MARK: accepted

    @Test func anIssuedTokenVerifiesWithItsClaims() async throws {
        let token = try await issue(lifetime: 900)
        let claims = try await verify(token)
        #expect(claims.subject == "ana")
        #expect(claims.issuer == "rampart" && claims.audience == ["rampart"])
        #expect(claims.roles == ["radiologist"])
        #expect(claims.issuedAt == Int64(now.timeIntervalSince1970) && claims.notBefore == claims.issuedAt)
        #expect(claims.expires - claims.issuedAt == 900)
        #expect(!claims.id.isEmpty)
        // The header names ES256 and this key.
        let header = try JSONSerialization.jsonObject(with: try #require(Data(base64Encoded: Self.padded(String(token.split(separator: ".")[0]))))) as? [String: Any]
        #expect(header?["alg"] as? String == "ES256")
        #expect(header?["kid"] as? String == key.id)
        // Two tokens for the same user differ in their id.
        #expect(try await verify(try await issue()).id != claims.id)
    }

    private static func padded(_ base64URL: String) -> String {
        var text = base64URL.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        return text
    }

    @Test func theKeySurvivesItsPEMForm() async throws {
        let reloaded = try TokenSigningKey(pem: key.pemRepresentation)
        #expect(reloaded.id == key.id)
        let token = try await issue(key: reloaded)
        #expect(try await verify(token).subject == "ana")
        #expect(throws: TokenKeyError.self) { try TokenSigningKey(pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n") }
    }

    @Test func aTokenLivesOneSecondToOneDay() async throws {
        let account = try #require(try users("ana")["ana"])
        let issuer = TokenIssuer(key: key)
        for lifetime: Int64 in [0, -5, 24 * 3600 + 1] {
            await #expect(throws: TokenIssueError.lifetimeOutOfRange(lifetime)) { try await issuer.issue(for: account, lifetime: lifetime, now: now) }
        }
        _ = try await issuer.issue(for: account, lifetime: 24 * 3600, now: now)
        #expect(TokenIssueError.lifetimeOutOfRange(90000).description.contains("24 h"))
    }

    // MARK: refused

    @Test func algNoneIsRefused() async throws {
        for alg in ["none", "None", "NONE"] {
            let token = try Self.signingInput(["alg": alg, "typ": "JWT", "kid": key.id], claims()) + "."
            #expect(try await rejection(token) == .unsigned)
        }
    }

    /// HS/RS confusion: an HMAC keyed with the public key, which a verifier that trusts the
    /// header's alg would check with the same bytes.
    @Test func hs256SignedWithThePublicKeyIsRefused() async throws {
        let publicKey = key.privateKey.publicKey
        for secret in [Data(publicKey.pemRepresentation.utf8), publicKey.derRepresentation, publicKey.x963Representation] {
            let input = try Self.signingInput(["alg": "HS256", "typ": "JWT", "kid": key.id], claims())
            let mac = HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: SymmetricKey(data: secret))
            #expect(try await rejection(input + "." + Self.base64URL(Data(mac))) == .algorithmNotAllowed("HS256"))
        }
        for alg in ["RS256", "ES384", "PS256", "EdDSA"] {
            let token = try Self.es256(["alg": alg, "kid": key.id], claims(), with: key.privateKey)
            #expect(try await rejection(token) == .algorithmNotAllowed(alg))
        }
    }

    @Test func aTamperedPayloadIsRefused() async throws {
        let parts = try await issue().split(separator: ".").map(String.init)
        // Same header and signature, the payload now names another user with more roles.
        var claims = claims(subject: "root")
        claims["roles"] = ["admin"]
        let forged = parts[0] + "." + Self.base64URL(try Self.json(claims)) + "." + parts[2]
        #expect(try await rejection(forged, users: try users("ana", "root")) == .badSignature)
        // A signature altered in one bit.
        var signature = try #require(Data(base64Encoded: Self.padded(parts[2])))
        signature[5] ^= 0x01
        #expect(try await rejection(parts[0] + "." + parts[1] + "." + Self.base64URL(signature)) == .badSignature)
    }

    @Test func anotherKeyIsRefusedByIdOrBySignature() async throws {
        let other = TokenSigningKey()
        // Another site's token names its own key.
        #expect(try await rejection(try await issue(key: other)) == .unknownKeyID(other.id))
        // Signed by another key while claiming ours.
        let forged = try Self.es256(["alg": "ES256", "kid": key.id], claims(), with: other.privateKey)
        #expect(try await rejection(forged) == .badSignature)
        // No kid at all, even when the signature is good.
        let anonymous = try Self.es256(["alg": "ES256"], claims(), with: key.privateKey)
        #expect(try await rejection(anonymous) == .missingKeyID)
        // With kid and a good signature, the same hand-made token passes: the checks above are the refusals.
        let good = try Self.es256(["alg": "ES256", "kid": key.id], claims(), with: key.privateKey)
        #expect(try await verify(good).subject == "ana")
    }

    @Test func expiredAndNotYetValidTokensAreRefused() async throws {
        let expired = try await issue(lifetime: 3600, at: now.addingTimeInterval(-3601))
        #expect(try await rejection(expired) == .expired(secondsAgo: 1))
        let exactlyAtExpiry = try await issue(lifetime: 60, at: now.addingTimeInterval(-60))
        #expect(try await rejection(exactlyAtExpiry) == .expired(secondsAgo: 0))
        let future = try await issue(at: now.addingTimeInterval(120))
        #expect(try await rejection(future) == .notYetValid(secondsAhead: 120))
    }

    @Test func wrongIssuerOrAudienceIsRefused() async throws {
        #expect(try await rejection(try await issue(issuer: "other-pacs")) == .wrongIssuer("other-pacs"))
        #expect(try await rejection(try await issue(audience: "dicomweb")) == .wrongAudience(["dicomweb"]))
        var both = claims()
        both["aud"] = ["dicomweb", "rampart"]
        #expect(try await verify(try Self.es256(["alg": "ES256", "kid": key.id], both, with: key.privateKey)).audience == ["dicomweb", "rampart"])
    }

    @Test func aTokenForAnUnknownDisabledOrRemovedUserIsRefused() async throws {
        var users = try users("ana", "ben")
        let token = try await issue("ben")
        #expect(try await verify(token, users: users).subject == "ben")
        try users.setDisabled(true, for: "ben")
        #expect(try await rejection(token, users: users) == .disabledUser("ben"))
        try users.remove("ben")
        #expect(try await rejection(token, users: users) == .unknownUser("ben"))
    }

    @Test func malformedTokensAreRefusedWithoutEcho() async throws {
        for token in ["", "abc", "a.b", "a.b.c.d", "!!!.e30.", Self.base64URL(Data("not json".utf8)) + ".e30.",
                      String(repeating: "A", count: 9000) + ".e30."] {
            guard case .malformed = try #require(try await rejection(token)) else {
                Issue.record("\(token.prefix(20)) was not refused as malformed")
                continue
            }
        }
        // A well-signed token whose claims are not ours.
        let odd = try Self.es256(["alg": "ES256", "kid": key.id], ["sub": "ana"], with: key.privateKey)
        guard case .malformed = try #require(try await rejection(odd)) else { Issue.record("claims without exp accepted"); return }
    }

    @Test func reasonsNameTheProblemAndAttackerTextIsTamed() {
        #expect(TokenRejection.expired(secondsAgo: 5).description.contains("rampart token issue"))
        #expect(TokenRejection.noVerificationKey(keyPath: "/d/tls/token-signing-key.pem").description.contains("rampart token issue"))
        let hostile = TokenRejection.algorithmNotAllowed("HS256\n\"evil\"" + String(repeating: "x", count: 200)).description
        #expect(!hostile.contains("\n") && !hostile.contains("\"evil") && hostile.count < 200)
    }
}
