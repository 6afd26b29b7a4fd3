import Access
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import Web

/// The web UI's sessions through the router: a login sets an HttpOnly, SameSite=Strict cookie;
/// the cookie authenticates reads, a change needs the CSRF token as well, a logout ends it.
@Suite struct SessionTests {
    static func login(_ client: any TestClientProtocol, _ user: String, _ password: String) async throws -> TestResponse {
        try await client.execute(uri: "/api/session", method: .post, headers: [.contentType: "application/json"],
                                 body: ByteBuffer(string: #"{"username":"\#(user)","password":"\#(password)"}"#))
    }

    static func cookie(of response: TestResponse) -> String? {
        response.headers[.setCookie]?.split(separator: ";").first.map { String($0) }
    }

    @Test func aLoginGivesAStrictCookieThatAuthenticatesReadsAndNeedsTheCSRFTokenForChanges() async throws {
        let fixture = try WebFixture()
        defer { fixture.remove() }
        try await fixture.test { client in
            let wrong = try await Self.login(client, "radiologist", "guess")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.headers[.setCookie] == nil)

            // A browser still holding a cookie of a session that is gone (a restart) can log in.
            let stale = try await client.execute(uri: "/api/session", method: .post,
                                                 headers: [.contentType: "application/json", .cookie: "rampart_session=gone"],
                                                 body: ByteBuffer(string: #"{"username":"radiologist","password":"radiologist-password"}"#))
            #expect(stale.status == .ok)

            let response = try await Self.login(client, "radiologist", "radiologist-password")
            #expect(response.status == .ok)
            let setCookie = try #require(response.headers[.setCookie])
            #expect(setCookie.hasPrefix("rampart_session=") && setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"))
            let info = try #require(try WebFixture.json(response) as? [String: Any])
            let csrf = try #require(info["csrfToken"] as? String)
            #expect(info["user"] as? String == "radiologist")
            let cookie = try #require(Self.cookie(of: response))

            let search = try await client.execute(uri: "/dicomweb/studies", method: .get, headers: [.cookie: cookie])
            #expect(search.status == .ok)
            // A change without the page's token is what a forged cross-site request looks like.
            let stow = try await WebFixture.stow(client, [try WebFixture.part10(.init(sop: "1.2.826.0.1.3680043.10.1.1.9"))], headers: [.cookie: cookie])
            #expect(stow.status == .unauthorized)
            let withToken = try await WebFixture.stow(client, [try WebFixture.part10(.init(sop: "1.2.826.0.1.3680043.10.1.1.9"))],
                                                      headers: [.cookie: cookie, SessionCookie.csrfHeader: csrf])
            #expect(withToken.status == .ok)
            // The decisions of the session's requests are the UI channel's.
            #expect(fixture.decisions.recorded.contains { $0.action == .query && $0.context.channel == .ui && $0.allowed })

            let logout = try await client.execute(uri: "/api/session", method: .delete, headers: [.cookie: cookie, SessionCookie.csrfHeader: csrf])
            #expect(logout.status == .noContent)
            #expect(logout.headers[.setCookie]?.contains("Max-Age=0") == true)
            let after = try await client.execute(uri: "/dicomweb/studies", method: .get, headers: [.cookie: cookie])
            #expect(after.status == .unauthorized)
        }
    }

    @Test func aSessionLapsesWhenIdleAndAtTheEndOfItsLifetime() async throws {
        let store = SessionStore(idleTimeout: 30 * 60, lifetime: 2 * 3600)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        func minutes(_ count: Int) -> Date { start + TimeInterval(count * 60) }
        let (cookie, _) = try await store.open(user: "u", signIn: .account(.password), now: start)
        #expect(try await store.resume(cookie: cookie, now: minutes(29)) != nil)
        #expect(try await store.resume(cookie: cookie, now: minutes(58)) != nil)
        #expect(try await store.resume(cookie: cookie, now: minutes(89)) == nil)
        let (second, _) = try await store.open(user: "u", signIn: .account(.password), now: start)
        for count in stride(from: 20, through: 100, by: 20) {
            #expect(try await store.resume(cookie: second, now: minutes(count)) != nil)
        }
        #expect(try await store.resume(cookie: second, now: minutes(121)) == nil)
        #expect(try await store.resume(cookie: "not-a-session", now: start) == nil)
    }

    @Test func howASessionSignedInSurvivesItsStoredText() {
        for signIn: SessionSignIn in [.account(.password), .account(.mfa), .identityProvider(issuer: "https://idp.example", roles: ["radiologist", "a\"b"])] {
            #expect(SessionSignIn(stored: signIn.stored) == signIn)
        }
        #expect(SessionSignIn(stored: "account:99") == nil && SessionSignIn(stored: "provider:{}") == nil && SessionSignIn(stored: "") == nil)
    }
}
