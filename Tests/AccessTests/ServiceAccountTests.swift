import Foundation
import Testing
@testable import Access

/// Service accounts: API keys, their digests, revocation, and the scope the gate holds them to.
@Suite struct ServiceAccountTests {
    private func directory(_ key: String, scope: Set<AccessAction>? = [.query], revoked: Bool = false) throws -> ServiceDirectory {
        var services = ServiceDirectory()
        try services.add(ServiceAccount(name: "router", roles: ["radiologist"], scope: scope, keyDigest: APIKey.digest(of: key), revoked: revoked))
        return services
    }

    @Test func keysAreLongRandomAndRecognisable() {
        let keys = (0..<50).map { _ in APIKey.make() }
        #expect(Set(keys).count == keys.count)
        for key in keys {
            #expect(key.hasPrefix("rampart_sk_") && key.count == "rampart_sk_".count + 43 && APIKey.isKey(key))
            #expect(key.dropFirst(11).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        }
        #expect(!APIKey.isKey("correct-horse-battery"))
        // The digest is SHA-256 in hex (FIPS 180-2 example "abc").
        #expect(APIKey.digest(of: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(APIKey.sameDigest("ab", "ab") && !APIKey.sameDigest("ab", "ac") && !APIKey.sameDigest("ab", "abc"))
    }

    @Test func theRightKeySignsInAndAnyOtherFailsAlike() throws {
        let key = APIKey.make()
        let services = try directory(key)
        #expect(try services.authenticate(name: "router", key: key).scope == [.query])
        #expect(throws: ServiceAuthenticationFailure.wrongNameOrKey) { try services.authenticate(name: "router", key: APIKey.make()) }
        #expect(throws: ServiceAuthenticationFailure.wrongNameOrKey) { try services.authenticate(name: "nobody", key: key) }
        #expect(throws: ServiceAuthenticationFailure.wrongNameOrKey) { try services.authenticate(name: "router", key: String(key.dropLast())) }
    }

    @Test func aRevokedKeyIsRefusedByNameAndTheNameCanBeGivenANewKey() throws {
        let old = APIKey.make()
        var services = try directory(old)
        #expect(throws: ServiceAccountError.exists("router")) {
            try services.add(ServiceAccount(name: "router", roles: [], scope: nil, keyDigest: APIKey.digest(of: APIKey.make())))
        }
        try services.revoke("router")
        #expect(throws: ServiceAuthenticationFailure.revoked("router")) { try services.authenticate(name: "router", key: old) }
        #expect(ServiceAuthenticationFailure.revoked("router").description.contains("leaked"))
        // Only whoever holds the key learns that it was revoked.
        #expect(throws: ServiceAuthenticationFailure.wrongNameOrKey) { try services.authenticate(name: "router", key: APIKey.make()) }
        let new = APIKey.make()
        try services.add(ServiceAccount(name: "router", roles: ["modality"], scope: nil, keyDigest: APIKey.digest(of: new)))
        #expect(try services.authenticate(name: "router", key: new).roles == ["modality"])
        #expect(throws: ServiceAuthenticationFailure.wrongNameOrKey) { try services.authenticate(name: "router", key: old) }
        #expect(throws: ServiceAccountError.unknown("ghost")) { try services.revoke("ghost") }
        #expect(throws: ServiceAccountError.invalidName("a b")) {
            try services.add(ServiceAccount(name: "a b", roles: [], scope: nil, keyDigest: ""))
        }
    }

    @Test func theFileFormKeepsTheDigestAndScopeButNeverTheKey() throws {
        let key = APIKey.make()
        let account = try #require(try directory(key, scope: [.store, .query])["router"])
        let json = String(decoding: try JSONEncoder().encode(account), as: UTF8.self)
        #expect(!json.contains(key) && json.contains(APIKey.digest(of: key)) && json.contains("\"store\""))
        #expect(try JSONDecoder().decode(ServiceAccount.self, from: Data(json.utf8)) == account)
        let unscoped = try #require(try directory(key, scope: nil)["router"])
        #expect(try JSONDecoder().decode(ServiceAccount.self, from: try JSONEncoder().encode(unscoped)).scope == nil)
        let bad = json.replacingOccurrences(of: "\"store\"", with: "\"steal\"")
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ServiceAccount.self, from: Data(bad.utf8)) }
    }

    private func context(scope: Set<AccessAction>?, authentication: AuthenticationStrength = .apiKey, roles: [String] = ["radiologist"]) -> AccessContext {
        AccessContext(principal: .service("router"), roles: roles, channel: .dimse, peerAddress: "10.0.0.7:4000",
                      authentication: authentication, scope: scope)
    }

    @Test func theGateCapsAServiceToItsScopeAndSaysSo() async throws {
        let recorder = MemoryDecisionRecorder()
        let gate = Gate(registry: AERegistry(), recorder: recorder)
        _ = try await gate.decide(context(scope: [.query]), .associate)
        _ = try await gate.decide(context(scope: [.query]), .query)
        do {
            _ = try await gate.decide(context(scope: [.query]), .store)
            Issue.record("a query-scoped key stored")
        } catch {
            #expect(error.reason == "service router: store is outside the scope of its API key (query); "
                + "give the service a key with that scope (rampart service revoke, then add --scope)")
        }
        // Without a scope the roles decide; a scope never adds what the roles do not allow.
        _ = try await gate.decide(context(scope: nil), .store)
        await #expect(throws: AccessDenied.self) { try await gate.decide(context(scope: [.delete]), .delete) }
        // A service is authenticated by its key only.
        await #expect(throws: AccessDenied.self) { try await gate.decide(context(scope: nil, authentication: .password), .query) }
        #expect(recorder.recorded.last?.reason.contains("not authenticated by its API key") == true)
        #expect(AuthenticationStrength.password < .apiKey && .apiKey < .token)
        #expect(context(scope: []).scopeDenial(of: .query)?.contains("(nothing)") == true)
        #expect(context(scope: []).scopeDenial(of: .associate) == nil)
    }
}
