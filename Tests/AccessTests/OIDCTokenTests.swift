import Crypto
import CryptoExtras
import Foundation
import Testing
@testable import Access

/// An identity provider's tokens through `BearerTokenVerifier`, and every forged token refused,
/// for the IdP's tokens and the server's own alike. Tokens are made by hand, as an IdP or an
/// attacker would send them.
@Suite struct OIDCTokenTests {
    private static let cheap = PasswordHash.Cost(logN: 4, blockSize: 8, parallelism: 1)
    private static let issuer = "https://idp.example.org/realms/hospital"
    /// One RSA key for the suite: making one costs a noticeable fraction of a second.
    private static let rsaKey = try? _RSA.Signing.PrivateKey(keySize: .bits2048)
    private let rsa: _RSA.Signing.PrivateKey
    private let ec256 = P256.Signing.PrivateKey()
    private let ec384 = P384.Signing.PrivateKey()
    private let ownKey = TokenSigningKey()
    private let now = Date(timeIntervalSince1970: 1_900_000_000)

    init() throws {
        rsa = try #require(Self.rsaKey)
    }

    // MARK: the provider's key set, made here

    private static func base64URL(_ data: some DataProtocol) -> String {
        Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private func jwks(extra: [[String: Any]] = []) throws -> Data {
        let primitives = try rsa.publicKey.getKeyPrimitives()
        let p256 = ec256.publicKey.x963Representation.dropFirst()
        let p384 = ec384.publicKey.x963Representation.dropFirst()
        let keys: [[String: Any]] = [
            ["kty": "RSA", "kid": "rsa-1", "use": "sig", "n": Self.base64URL(primitives.modulus), "e": Self.base64URL(primitives.publicExponent)],
            ["kty": "RSA", "kid": "rsa-pinned", "alg": "RS256", "n": Self.base64URL(primitives.modulus), "e": Self.base64URL(primitives.publicExponent)],
            ["kty": "EC", "kid": "ec-256", "crv": "P-256", "x": Self.base64URL(p256.prefix(32)), "y": Self.base64URL(p256.suffix(32))],
            ["kty": "EC", "kid": "ec-384", "crv": "P-384", "x": Self.base64URL(p384.prefix(48)), "y": Self.base64URL(p384.suffix(48))],
            ["kty": "oct", "kid": "shared", "k": "c2VjcmV0"],
            // An encryption key under a kid a token might name: never used to verify.
            ["kty": "RSA", "kid": "enc-1", "use": "enc", "n": Self.base64URL(primitives.modulus), "e": Self.base64URL(primitives.publicExponent)],
        ] + extra
        return try JSONSerialization.data(withJSONObject: ["keys": keys])
    }

    private func verifier(roleMap: [String: String]? = ["pacs-radiologists": "radiologist", "pacs-admins": "admin"],
                          usernameClaim: String? = nil, own: Bool = true) throws -> BearerTokenVerifier {
        let keys = try OIDCKeySet(json: try jwks(), source: "/data/oidc/hospital-jwks.json")
        let provider = OIDCProvider(issuer: Self.issuer, audience: "rampart-pacs", usernameClaim: usernameClaim,
                                    rolesClaim: "realm_access.roles", roleMap: roleMap, keys: { keys })
        return BearerTokenVerifier(own: own ? .verifier(TokenVerifier(key: ownKey.verificationKey)) : .refused(.noVerificationKey(keyPath: "/k.pem")),
                                   providers: [provider])
    }

    private func users(disabled: [String] = []) throws -> UserDirectory {
        UserDirectory(try ["ana", "dr.lee"].map {
            UserAccount(name: $0, roles: ["technologist"], password: try PasswordHash.make(password: "pw", cost: Self.cheap), disabled: disabled.contains($0))
        })
    }

    private func claims(_ changes: [String: Any] = [:]) -> [String: Any] {
        let t = Int(now.timeIntervalSince1970)
        var claims: [String: Any] = ["iss": Self.issuer, "sub": "f3a1c2d4-0001", "preferred_username": "dr.lee", "aud": ["rampart-pacs", "account"],
                                     "iat": t, "nbf": t, "exp": t + 300, "realm_access": ["roles": ["pacs-radiologists", "offline_access"]]]
        for (key, value) in changes { claims[key] = value is NSNull ? nil : value }
        return claims
    }

    private static func signingInput(_ header: [String: Any], _ claims: [String: Any]) throws -> String {
        base64URL(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])) + "."
            + base64URL(try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]))
    }

    /// A JWS with any header, signed as `alg` says with the matching test key (or, for the
    /// confusion attacks, with whatever `signer` is given).
    private func token(alg: String = "RS256", kid: String? = "rsa-1", _ claims: [String: Any], header extra: [String: Any] = [:],
                       signer: ((Data) throws -> Data)? = nil) throws -> String {
        var header: [String: Any] = ["alg": alg, "typ": "JWT"]
        if let kid { header["kid"] = kid }
        for (key, value) in extra { header[key] = value }
        let input = try Self.signingInput(header, claims)
        let data = Data(input.utf8)
        let signature: Data = if let signer { try signer(data) } else {
            switch alg {
            case "RS256": try rsa.signature(for: SHA256.hash(data: data), padding: .insecurePKCS1v1_5).rawRepresentation
            case "RS384": try rsa.signature(for: SHA384.hash(data: data), padding: .insecurePKCS1v1_5).rawRepresentation
            case "RS512": try rsa.signature(for: SHA512.hash(data: data), padding: .insecurePKCS1v1_5).rawRepresentation
            case "PS256": try rsa.signature(for: SHA256.hash(data: data), padding: .PSS).rawRepresentation
            case "ES256": try ec256.signature(for: data).rawRepresentation
            case "ES384": try ec384.signature(for: data).rawRepresentation
            default: Data()
            }
        }
        return input + "." + Self.base64URL(signature)
    }

    private func rejection(_ token: String, verifier: BearerTokenVerifier? = nil, users: UserDirectory? = nil) async throws -> TokenRejection? {
        let verifier = try verifier ?? self.verifier()
        let users = try users ?? self.users()
        do {
            _ = try await verifier.verify(token, users: users, now: now)
            return nil
        } catch {
            #expect(token.count < 16 || !error.description.contains(token), "a reason must never hold the token")
            return error
        }
    }

    // MARK: accepted

    @Test(arguments: [("RS256", "rsa-1"), ("RS384", "rsa-1"), ("RS512", "rsa-1"), ("PS256", "rsa-1"), ("ES256", "ec-256"),
                      ("ES384", "ec-384"), ("RS256", "rsa-pinned")])
    func aProviderTokenSignsInItsUserWithMappedRoles(alg: String, kid: String) async throws {
        let verified = try await verifier().verify(try token(alg: alg, kid: kid, claims()), users: users(), now: now)
        // preferred_username names the user; groups without a role_map entry give no role.
        #expect(verified == VerifiedToken(subject: "dr.lee", roles: ["radiologist"], issuer: Self.issuer))
    }

    @Test func usernameAndRolesFollowTheSettings() async throws {
        let users = try users()
        // No preferred_username: sub. No role_map: the names as they are. One audience as a string.
        let plain = try token(claims(["preferred_username": NSNull(), "aud": "rampart-pacs", "realm_access": ["roles": ["researcher"]]]))
        #expect(try await verifier(roleMap: nil).verify(plain, users: users, now: now)
            == VerifiedToken(subject: "f3a1c2d4-0001", roles: ["researcher"], issuer: Self.issuer))
        // A configured username claim; no roles claim at all gives no role (the gate then denies).
        let email = try token(claims(["email": "lee@example.org", "realm_access": NSNull()]))
        #expect(try await verifier(usernameClaim: "email").verify(email, users: users, now: now).roles == [])
        #expect(try await rejection(email, verifier: verifier(usernameClaim: "upn")) == .missingClaim("upn"))
        // A user name Rampart would not accept (it goes to logs).
        guard case .malformed = try #require(try await rejection(try token(claims(["preferred_username": "lee\n\"admin\""])))) else {
            Issue.record("a user name with a newline was accepted")
            return
        }
    }

    @Test func clocksMayDifferByTheLeewayOnly() async throws {
        let t = Int(now.timeIntervalSince1970)
        let leeway = Int(BearerTokenVerifier.clockLeeway)
        #expect(try await rejection(try token(claims(["exp": t - leeway + 1]))) == nil)
        #expect(try await rejection(try token(claims(["exp": t - leeway]))) == .expired(secondsAgo: Int64(leeway)))
        #expect(try await rejection(try token(claims(["nbf": t + leeway]))) == nil)
        #expect(try await rejection(try token(claims(["nbf": t + leeway + 60]))) == .notYetValid(secondsAhead: Int64(leeway + 60)))
        #expect(try await rejection(try token(claims(["exp": NSNull()]))) == .missingClaim("exp"))
        // Absurd numbers are refused, not a crash.
        #expect(try await rejection(try token(claims(["exp": 1e300]))) == nil)
        #expect(try await rejection(try token(claims(["nbf": 1e300]))) != nil)
    }

    @Test func aDisabledLocalAccountOfTheSameNameRefusesTheProvidersUser() async throws {
        #expect(try await rejection(try token(claims()), users: try users(disabled: ["dr.lee"])) == .disabledUser("dr.lee"))
        // No local account is needed.
        #expect(try await rejection(try token(claims()), users: UserDirectory()) == nil)
    }

    @Test func aLocalAccountOfTheSameNameGivesTheProvidersUserItsPersonName() async throws {
        var directory = try users()
        try directory.setPersonName("Lee^Dana", for: "dr.lee")
        #expect(try await verifier().verify(try token(claims()), users: directory, now: now).personName == "Lee^Dana")
        #expect(try await verifier().verify(try token(claims()), users: UserDirectory(), now: now).personName == nil)
    }

    @Test func theServersOwnTokensStillActWithTheAccountsRoles() async throws {
        let account = try #require(try users()["ana"])
        let own = try await TokenIssuer(key: ownKey).issue(for: account, lifetime: 600, now: now).token
        #expect(try await verifier().verify(own, users: users(), now: now) == VerifiedToken(subject: "ana", roles: ["technologist"], issuer: "rampart"))
    }

    // MARK: ID tokens of a browser login

    private func idTokenRejection(_ token: String, clientID: String = "rampart-ui", nonce: String = "n-0f3a") async throws -> TokenRejection? {
        let (verifier, users) = (try verifier(), try users())
        do {
            _ = try await verifier.verifyIDToken(token, issuer: Self.issuer, clientID: clientID, nonce: nonce, users: users, now: now)
            return nil
        } catch {
            return error
        }
    }

    @Test func anIDTokenOpensALoginOnlyWithItsNonceAndForItsClient() async throws {
        let good = claims(["aud": "rampart-ui", "nonce": "n-0f3a", "azp": "rampart-ui"])
        let verified = try await verifier().verifyIDToken(try token(good), issuer: Self.issuer, clientID: "rampart-ui", nonce: "n-0f3a",
                                                          users: users(), now: now)
        #expect(verified == VerifiedToken(subject: "dr.lee", roles: ["radiologist"], issuer: Self.issuer))
        #expect(try await idTokenRejection(try token(good), nonce: "n-other") == .wrongNonce)
        #expect(try await idTokenRejection(try token(claims(["aud": "rampart-ui"]))) == .wrongNonce)
        // The bearer audience is not the login's client id: an access token for the API opens no UI session.
        #expect(try await idTokenRejection(try token(claims(["nonce": "n-0f3a"]))) == .wrongAudience(["rampart-pacs", "account"]))
        #expect(try await idTokenRejection(try token(claims(["aud": ["rampart-ui", "x"], "nonce": "n-0f3a", "azp": "x"])))
            == .wrongAuthorizedParty("x"))
        // Every check of a bearer token still holds.
        #expect(try await idTokenRejection(try token(alg: "RS256", kid: "rotated", good)) == .keyNotInKeySet(kid: "rotated", source: "/data/oidc/hospital-jwks.json"))
        #expect(try await idTokenRejection(try token(claims(["aud": "rampart-ui", "nonce": "n-0f3a", "exp": Int(now.timeIntervalSince1970) - 600])))
            == .expired(secondsAgo: 600))
        // The login's provider decides, not the token's iss.
        var elsewhere = good
        elsewhere["iss"] = "https://evil.example.org"
        #expect(try await idTokenRejection(try token(elsewhere)) == .wrongIssuer("https://evil.example.org"))
    }

    // MARK: refused: the provider's tokens

    @Test func algNoneAndHMACAreRefused() async throws {
        for alg in ["none", "None", "NONE"] {
            let unsigned = try Self.signingInput(["alg": alg, "kid": "rsa-1"], claims()) + "."
            #expect(try await rejection(unsigned) == .unsigned)
        }
        // HS/RS confusion: an HMAC keyed with the public key, in the encodings a verifier might use.
        let publicKey = rsa.publicKey
        for secret in [Data(publicKey.pemRepresentation.utf8), publicKey.derRepresentation, try jwks()] {
            for alg in ["HS256", "HS384", "HS512"] {
                let forged = try token(alg: alg, claims()) { Data(HMAC<SHA256>.authenticationCode(for: $0, using: SymmetricKey(data: secret))) }
                #expect(try await rejection(forged) == .symmetricAlgorithm(alg))
            }
        }
        // The JWKS's own symmetric key is never used either.
        let shared = try token(alg: "HS256", kid: "shared", claims()) { Data(HMAC<SHA256>.authenticationCode(for: $0, using: SymmetricKey(data: Data("secret".utf8)))) }
        #expect(try await rejection(shared) == .symmetricAlgorithm("HS256"))
        for alg in ["EdDSA", "PS512", "ES512", "RSA-OAEP"] {
            #expect(try await rejection(try token(alg: alg, claims())) == .providerAlgorithmNotAllowed(alg))
        }
    }

    @Test func anAlgorithmThatDoesNotFitItsKeyIsRefused() async throws {
        // RSA's alg on an EC key and the other way round, each signed so it would verify as named.
        let rsOnEC = try token(alg: "RS256", kid: "ec-256", claims()) { try rsa.signature(for: SHA256.hash(data: $0), padding: .insecurePKCS1v1_5).rawRepresentation }
        #expect(try await rejection(rsOnEC) == .algorithmDoesNotMatchKey(algorithm: "RS256", kid: "ec-256", keyType: "EC P-256"))
        let esOnRSA = try token(alg: "ES256", kid: "rsa-1", claims()) { try ec256.signature(for: $0).rawRepresentation }
        #expect(try await rejection(esOnRSA) == .algorithmDoesNotMatchKey(algorithm: "ES256", kid: "rsa-1", keyType: "RSA"))
        #expect(try await rejection(try token(alg: "ES384", kid: "ec-256", claims())) != nil)
        // The JWKS entry pins RS256: PS256 with the same key is refused.
        #expect(try await rejection(try token(alg: "PS256", kid: "rsa-pinned", claims()))
            == .algorithmDoesNotMatchKey(algorithm: "PS256", kid: "rsa-pinned", keyType: "RSA"))
        // An encryption key is not in the set at all.
        #expect(try await rejection(try token(kid: "enc-1", claims())) == .keyNotInKeySet(kid: "enc-1", source: "/data/oidc/hospital-jwks.json"))
    }

    @Test func unknownKidWrongIssuerOrAudienceAreRefusedWithWhatToCheck() async throws {
        let unknown = try #require(try await rejection(try token(kid: "rotated-2", claims())))
        #expect(unknown == .keyNotInKeySet(kid: "rotated-2", source: "/data/oidc/hospital-jwks.json"))
        #expect(unknown.description.contains("rotated-2 is not in /data/oidc/hospital-jwks.json: refresh the file"))
        #expect(try await rejection(try token(kid: nil, claims())) == .missingKeyID)
        let other = try #require(try await rejection(try token(claims(["iss": "https://evil.example.com"]))))
        #expect(other == .wrongIssuer("https://evil.example.com"))
        #expect(other.description.contains("oidc:"))
        #expect(try await rejection(try token(claims(["aud": ["account", "other-app"]]))) == .wrongAudience(["account", "other-app"]))
        #expect(try await rejection(try token(claims(["aud": NSNull()]))) == .wrongAudience([]))
    }

    @Test func aTamperedOrTruncatedTokenIsRefused() async throws {
        let parts = try token(claims()).split(separator: ".").map(String.init)
        var elevated = claims()
        elevated["realm_access"] = ["roles": ["pacs-admins"]]
        let reencoded = Self.base64URL(try JSONSerialization.data(withJSONObject: elevated, options: [.sortedKeys]))
        #expect(try await rejection(parts[0] + "." + reencoded + "." + parts[2]) == .badSignature)
        #expect(try await rejection(parts[0] + "." + parts[1] + "." + parts[2].dropLast(8)) == .badSignature)
        #expect(try await rejection(parts[0] + "." + parts[1] + ".") == .badSignature)
        for garbage in ["", "eyJ", parts[0], parts[0] + "." + parts[1], "a.b.c", parts[0] + ".!!!." + parts[2], String(repeating: "A", count: 9000)] {
            guard case .malformed = try #require(try await rejection(garbage)) else {
                Issue.record("\(garbage.prefix(20)) was not refused as malformed")
                continue
            }
        }
    }

    /// A token that claims the server as issuer goes to the server's key, whoever signed it.
    @Test func claimingTheOtherIssuerGainsNothing() async throws {
        let asOwn = try token(claims(["iss": "rampart", "aud": "rampart", "sub": "ana", "jti": "x"]))
        #expect(try await rejection(asOwn) == .algorithmNotAllowed("RS256"))
        let asOwnES = try token(alg: "ES256", kid: ownKey.id, claims(["iss": "rampart", "aud": "rampart", "sub": "ana", "jti": "x"]))
        #expect(try await rejection(asOwnES) == .badSignature)
        // A server without a key of its own still accepts the provider's tokens, and refuses its own with the reason.
        #expect(try await rejection(try token(claims()), verifier: verifier(own: false)) == nil)
        #expect(try await rejection(asOwn, verifier: verifier(own: false)) == .noVerificationKey(keyPath: "/k.pem"))
    }

    // MARK: refused: every attack, on both issuers' tokens

    enum Attack: CaseIterable, Sendable {
        case algNone, hmacWithPublicKey, expired, notYetValid, wrongIssuer, wrongAudience, tamperedPayload, unknownKid, truncated, garbage
    }

    /// The same forgeries against a token of this server and one of the provider: each refused.
    @Test(arguments: Attack.allCases)
    func everyAttackIsRefusedForBothIssuers(attack: Attack) async throws {
        let t = Int(now.timeIntervalSince1970)
        let own: [String: Any] = ["iss": "rampart", "sub": "ana", "aud": "rampart", "iat": t, "nbf": t, "exp": t + 300, "jti": "j"]
        let ownSign = { (data: Data) throws -> Data in try self.ownKey.privateKey.signature(for: data).rawRepresentation }
        for (base, alg, kid, sign, publicKey) in [(own, "ES256", ownKey.id, ownSign as ((Data) throws -> Data)?, ownKey.privateKey.publicKey.derRepresentation),
                                                  (claims(), "RS256", "rsa-1", nil, rsa.publicKey.derRepresentation)] {
            let forged: String
            switch attack {
            case .algNone: forged = try Self.signingInput(["alg": "none", "kid": kid], base) + "."
            case .hmacWithPublicKey:
                forged = try token(alg: "HS256", kid: kid, base) { Data(HMAC<SHA256>.authenticationCode(for: $0, using: SymmetricKey(data: publicKey))) }
            case .expired: forged = try token(alg: alg, kid: kid, base.merging(["exp": t - 3600, "nbf": t - 7200, "iat": t - 7200]) { $1 }, signer: sign)
            case .notYetValid: forged = try token(alg: alg, kid: kid, base.merging(["nbf": t + 3600, "exp": t + 7200]) { $1 }, signer: sign)
            case .wrongIssuer: forged = try token(alg: alg, kid: kid, base.merging(["iss": "https://other.example"]) { $1 }, signer: sign)
            case .wrongAudience: forged = try token(alg: alg, kid: kid, base.merging(["aud": "someone-else"]) { $1 }, signer: sign)
            case .tamperedPayload:
                let parts = try token(alg: alg, kid: kid, base, signer: sign).split(separator: ".")
                let payload = Self.base64URL(try JSONSerialization.data(withJSONObject: base.merging(["sub": "root", "preferred_username": "root"]) { $1 }))
                forged = parts[0] + "." + payload + "." + parts[2]
            case .unknownKid: forged = try token(alg: alg, kid: "no-such-key", base, signer: sign)
            case .truncated: forged = String(try token(alg: alg, kid: kid, base, signer: sign).dropLast(20))
            case .garbage: forged = "eyJhbGciOiJub25lIn0." + String(repeating: "%", count: 40) + ".x"
            }
            let refused = try await rejection(forged)
            #expect(refused != nil, "\(attack) on a token issued by \(base["iss"] ?? "") was accepted")
        }
    }

    // MARK: the key set file

    @Test func keySetFilesThatCannotBeUsedAreRefusedWithWhatToDo() throws {
        for (text, reason) in [("not json", "not a JWKS document"), ("{\"keys\": 5}", "not a JWKS document"),
                               ("{\"keys\": [{\"kty\": \"RSA\", \"kid\": \"a\", \"n\": \"AQAB\", \"e\": \"AQAB\"}]}", "key a is not a valid RSA"),
                               ("{\"keys\": [{\"kty\": \"EC\", \"kid\": \"a\", \"crv\": \"P-256\"}]}", "EC key a lacks x or y"),
                               ("{\"keys\": [{\"kty\": \"oct\", \"kid\": \"a\"}, {\"kty\": \"oct\", \"kid\": \"a\"}]}", "appears twice")] {
            #expect { try OIDCKeySet(json: Data(text.utf8), source: "/d/jwks.json") } throws: { error in
                "\(error)".contains(reason) && "\(error)".contains("/d/jwks.json") && "\(error)".contains("jwks_uri")
            }
        }
        let set = try OIDCKeySet(json: try jwks(), source: "/d/jwks.json")
        #expect(set.keyIDs == ["ec-256", "ec-384", "rsa-1", "rsa-pinned", "shared"])
    }
}
