import Archive
import Foundation
import NIOPosix
import Synchronization

/// The browser logins through an identity provider that have begun and not yet ended. Each is
/// named by its `state` (which travels through the provider and back in the URL), holds the
/// `nonce` its ID token must carry, and is bound to the browser that began it by a random value
/// only that browser holds (an HttpOnly cookie; the store keeps its SHA-256). A login can be
/// ended once, within `lifetime`; at `capacity` the oldest is pushed out, so a flood of
/// beginnings costs bounded memory and delays no one but the logins it pushes out.
///
/// In memory on one node; in the PostgreSQL index when nodes share one, so a login begun on one
/// node ends on any (as sessions do, `SessionStore`).
final class PendingLoginStore: Sendable {
    struct PendingLogin: Sendable {
        /// `BrowserLoginProvider.id`.
        let provider: String
        let nonce: String
        fileprivate let binding: String
        fileprivate let expires: Date
    }

    /// Why a login cannot end: each says what the user does next.
    enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        /// Never begun here, ended already (a replay), or pushed out by newer logins.
        case unknownState
        case expired
        /// The browser that ends it is not the one that began it, or sent no login cookie.
        case otherBrowser

        var description: String {
            switch self {
            case .unknownState:
                "this login is not one the server is waiting for: it was used already (a replay), or began too long ago; start the login again"
            case .expired:
                "this login began more than \(Int(PendingLoginStore.lifetime / 60)) minutes ago; start the login again"
            case .otherBrowser:
                "this login was begun in another browser, or the browser did not send its login cookie; start the login again in this browser"
            }
        }
    }

    static let lifetime: TimeInterval = 10 * 60
    let capacity: Int
    private let pending: Mutex<[String: PendingLogin]> = Mutex([:])
    private let shared: SharedSessionTable?

    init(capacity: Int = 1000, shared: SharedSessionTable? = nil) {
        self.capacity = max(1, capacity)
        self.shared = shared
    }

    /// A new login with `provider`: its state and nonce (for the page) and the browser's cookie value.
    func begin(provider: String, now: Date = Date()) async throws -> (state: String, nonce: String, browser: String) {
        let state = SessionStore.randomToken(), nonce = SessionStore.randomToken(), browser = SessionStore.randomToken()
        let login = PendingLogin(provider: provider, nonce: nonce, binding: SessionStore.digest(browser), expires: now + Self.lifetime)
        if let shared {
            let row = SharedSessionTable.PendingLogin(provider: provider, nonce: nonce, binding: login.binding,
                                                      expires: SharedSessionKeeper.milliseconds(login.expires))
            try await SharedSessionKeeper.run { [capacity] in
                try shared.beginLogin(state: state, row, now: SharedSessionKeeper.milliseconds(now), capacity: capacity)
            }
            return (state, nonce, browser)
        }
        pending.withLock { pending in
            // All live equally long, so the oldest is the one that expires first.
            while pending.count >= capacity, let oldest = pending.min(by: { $0.value.expires < $1.value.expires })?.key {
                pending[oldest] = nil
            }
            pending[state] = login
        }
        return (state, nonce, browser)
    }

    /// Ends the login `state` names, for the browser whose login cookie is `browser`: whatever the
    /// answer, the state is spent, so it can never be tried again. Errors other than `Refusal`
    /// are the shared table's (a 503).
    func finish(state: String, browser: String?, now: Date = Date()) async throws -> PendingLogin {
        let login: PendingLogin?
        if let shared {
            login = try await SharedSessionKeeper.run { try shared.finishLogin(state: state) }.map {
                PendingLogin(provider: $0.provider, nonce: $0.nonce, binding: $0.binding, expires: SharedSessionKeeper.date($0.expires))
            }
        } else {
            login = pending.withLock { $0.removeValue(forKey: state) }
        }
        guard let login else { throw Refusal.unknownState }
        guard now < login.expires else { throw Refusal.expired }
        guard let browser, SessionStore.digest(browser) == login.binding else { throw Refusal.otherBrowser }
        return login
    }

    /// How many logins are waiting in memory (expired ones included, until pushed out or tried).
    var count: Int { pending.withLock { $0.count } }
}
