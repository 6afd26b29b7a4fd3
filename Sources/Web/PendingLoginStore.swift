import Foundation
import NIOCore
import Synchronization

/// The browser logins through an identity provider that have begun and not yet ended, in memory.
/// Each is named by its `state` (which travels through the provider and back in the URL), holds
/// the `nonce` its ID token must carry, and is bound to the browser that began it by a random
/// value only that browser holds (an HttpOnly cookie; the store keeps its SHA-256). A login can
/// be ended once, within `lifetime`; at `capacity` the oldest is pushed out, so a flood of
/// beginnings costs bounded memory and delays no one but the logins it pushes out.
final class PendingLoginStore: Sendable {
    struct PendingLogin: Sendable {
        /// `BrowserLoginProvider.id`.
        let provider: String
        let nonce: String
        fileprivate let binding: String
        fileprivate let expires: NIODeadline
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
                "this login began more than \(PendingLoginStore.lifetime.nanoseconds / 60_000_000_000) minutes ago; start the login again"
            case .otherBrowser:
                "this login was begun in another browser, or the browser did not send its login cookie; start the login again in this browser"
            }
        }
    }

    static let lifetime = TimeAmount.minutes(10)
    let capacity: Int
    private let pending: Mutex<[String: PendingLogin]> = Mutex([:])

    init(capacity: Int = 1000) {
        self.capacity = max(1, capacity)
    }

    /// A new login with `provider`: its state and nonce (for the page) and the browser's cookie value.
    func begin(provider: String, now: NIODeadline) -> (state: String, nonce: String, browser: String) {
        let state = SessionStore.randomToken(), nonce = SessionStore.randomToken(), browser = SessionStore.randomToken()
        let login = PendingLogin(provider: provider, nonce: nonce, binding: SessionStore.digest(browser), expires: now + Self.lifetime)
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
    /// answer, the state is spent, so it can never be tried again.
    func finish(state: String, browser: String?, now: NIODeadline) throws(Refusal) -> PendingLogin {
        guard let login = pending.withLock({ $0.removeValue(forKey: state) }) else { throw .unknownState }
        guard now < login.expires else { throw .expired }
        guard let browser, SessionStore.digest(browser) == login.binding else { throw .otherBrowser }
        return login
    }

    /// How many logins are waiting (expired ones included, until pushed out or tried).
    var count: Int { pending.withLock { $0.count } }
}
