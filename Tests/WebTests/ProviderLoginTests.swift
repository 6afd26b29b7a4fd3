import Access
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import Web

/// Logging in to the web UI through an identity provider: the pending logins (single use, ten
/// minutes, bounded, bound to their browser) and the routes that begin and end one.
@Suite struct ProviderLoginTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let provider = BrowserLoginProvider(issuer: "https://idp.example.org/realms/hospital", displayName: "Hospital login",
                                               authorizationEndpoint: "https://idp.example.org/realms/hospital/auth",
                                               tokenEndpoint: "https://idp.example.org:8443/realms/hospital/token", clientID: "rampart-ui",
                                               scope: "openid profile")

    // MARK: the pending logins

    @Test func aLoginEndsOnceInTheBrowserThatBeganIt() async throws {
        let store = PendingLoginStore()
        let login = try await store.begin(provider: "p1", now: Self.start)
        #expect(login.state != login.nonce && login.state.count == 43)
        let ended = try await store.finish(state: login.state, browser: login.browser, now: Self.start + 9 * 60)
        #expect(ended.provider == "p1" && ended.nonce == login.nonce)
        // A replay of the same state, even from the same browser, is refused.
        await #expect(throws: PendingLoginStore.Refusal.unknownState) { try await store.finish(state: login.state, browser: login.browser, now: Self.start) }
        await #expect(throws: PendingLoginStore.Refusal.unknownState) { try await store.finish(state: "never-issued", browser: login.browser, now: Self.start) }
    }

    @Test func anotherBrowserOrNoLoginCookieSpendsTheStateWithoutEndingTheLogin() async throws {
        let store = PendingLoginStore()
        let login = try await store.begin(provider: "p1", now: Self.start)
        await #expect(throws: PendingLoginStore.Refusal.otherBrowser) { try await store.finish(state: login.state, browser: "other", now: Self.start) }
        await #expect(throws: PendingLoginStore.Refusal.unknownState) { try await store.finish(state: login.state, browser: login.browser, now: Self.start) }
        let second = try await store.begin(provider: "p1", now: Self.start)
        await #expect(throws: PendingLoginStore.Refusal.otherBrowser) { try await store.finish(state: second.state, browser: nil, now: Self.start) }
    }

    @Test func aLoginLapsesAfterTenMinutes() async throws {
        let store = PendingLoginStore()
        let late = try await store.begin(provider: "p1", now: Self.start)
        await #expect(throws: PendingLoginStore.Refusal.expired) { try await store.finish(state: late.state, browser: late.browser, now: Self.start + 10 * 60) }
        let inTime = try await store.begin(provider: "p1", now: Self.start)
        _ = try await store.finish(state: inTime.state, browser: inTime.browser, now: Self.start + 10 * 60 - 0.001)
    }

    @Test func aFloodOfLoginsPushesOutTheOldestOnly() async throws {
        let store = PendingLoginStore(capacity: 3)
        var logins: [(state: String, nonce: String, browser: String)] = []
        for number in 0..<5 { logins.append(try await store.begin(provider: "p1", now: Self.start + TimeInterval(number))) }
        #expect(store.count == 3)
        for pushedOut in logins.prefix(2) {
            await #expect(throws: PendingLoginStore.Refusal.unknownState) { try await store.finish(state: pushedOut.state, browser: pushedOut.browser, now: Self.start) }
        }
        for kept in logins.suffix(3) {
            _ = try await store.finish(state: kept.state, browser: kept.browser, now: Self.start + 5)
        }
        #expect(store.count == 0)
    }

    // MARK: through the router

    static func json(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    @Test func theRoutesBeginAndEndALoginAndRefuseEachWrongEnd() async throws {
        let fixture = try WebFixture(loginProviders: [Self.provider])
        defer { fixture.remove() }
        try await fixture.test { client in
            // Anyone may see which providers are offered, and nothing of where they are.
            let list = try await client.execute(uri: "/api/session/providers", method: .get)
            #expect(list.status == .ok)
            #expect(String(buffer: list.body) == #"[{"displayName":"Hospital login","id":"\#(Self.provider.id)"}]"#)

            func begin() async throws -> (state: String, nonce: String, cookie: String) {
                let response = try await client.execute(uri: "/api/session/oidc/start", method: .post, headers: [.contentType: "application/json"],
                                                        body: Self.json(#"{"provider":"\#(Self.provider.id)"}"#))
                #expect(response.status == .ok)
                let setCookie = try #require(response.headers[.setCookie])
                #expect(setCookie.contains("Path=/api/session/oidc;") && setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"))
                let start = try #require(try WebFixture.json(response) as? [String: String])
                #expect(start["authorizationEndpoint"] == Self.provider.authorizationEndpoint && start["clientId"] == "rampart-ui")
                #expect(start["tokenEndpoint"] == Self.provider.tokenEndpoint && start["scope"] == "openid profile")
                return (try #require(start["state"]), try #require(start["nonce"]), String(setCookie.prefix { $0 != ";" }))
            }
            func end(_ state: String, _ token: String, cookie: String?) async throws -> TestResponse {
                var headers: HTTPFields = [.contentType: "application/json"]
                if let cookie { headers[.cookie] = cookie }
                return try await client.execute(uri: "/api/session/oidc", method: .post, headers: headers,
                                                body: Self.json(#"{"state":"\#(state)","idToken":"\#(token)"}"#))
            }

            let unknown = try await client.execute(uri: "/api/session/oidc/start", method: .post, headers: [.contentType: "application/json"],
                                                   body: Self.json(#"{"provider":"nope"}"#))
            #expect(unknown.status == .notFound)

            let noCookie = try await begin()
            #expect(try await end(noCookie.state, "id-token \(noCookie.nonce) radiologist", cookie: nil).status == .unauthorized)

            let wrongNonce = try await begin()
            let refused = try await end(wrongNonce.state, "id-token other-nonce radiologist", cookie: wrongNonce.cookie)
            #expect(refused.status == .unauthorized && String(buffer: refused.body).contains("wrong nonce"))

            let good = try await begin()
            let session = try await end(good.state, "id-token \(good.nonce) radiologist", cookie: good.cookie)
            #expect(session.status == .ok)
            let cookies = session.headers[values: .setCookie]
            #expect(cookies.contains { $0.hasPrefix("rampart_session=") } && cookies.contains { $0.hasPrefix("rampart_login=;") && $0.contains("Max-Age=0") })
            let sessionCookie = try #require(cookies.first { $0.hasPrefix("rampart_session=") }.map { String($0.prefix { $0 != ";" }) })
            #expect(try await client.execute(uri: "/dicomweb/studies", method: .get, headers: [.cookie: sessionCookie]).status == .ok)
            let replay = try await end(good.state, "id-token \(good.nonce) radiologist", cookie: good.cookie)
            #expect(replay.status == .unauthorized && String(buffer: replay.body).contains("used already"))

            // The page may post codes to the token endpoint's origin, and to nothing else.
            let page = try await client.execute(uri: "/ui/", method: .get)
            #expect(page.headers[.contentSecurityPolicy]?.contains("connect-src 'self' https://idp.example.org:8443; ") == true)
        }
        let recorded = fixture.decisions.recorded.filter { $0.action == .associate && $0.context.channel == .ui }
        #expect(recorded.filter(\.allowed).map(\.context.principal) == [.user("radiologist")])
        let reasons = recorded.filter { !$0.allowed }.map(\.reason)
        for expected in ["does not offer", "another browser", "wrong nonce", "used already"] {
            #expect(reasons.contains { $0.contains(expected) }, "no refusal recorded with \(expected): \(reasons)")
        }
    }
}
