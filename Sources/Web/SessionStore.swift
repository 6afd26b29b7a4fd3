import Access
import Crypto
import Foundation
import NIOCore
import Synchronization

/// The browser sessions of the web UI, in memory (a restart signs everyone out). A session is
/// named by 256 random bits that only the browser holds (an HttpOnly cookie); the store keys it
/// by their SHA-256, so a memory dump does not hand out live cookies. It lapses after
/// `idleTimeout` without a request, and after `lifetime` whatever happens, and carries the
/// token a page must echo in `X-CSRF-Token` to change anything.
final class SessionStore: Sendable {
    struct Session: Sendable {
        let user: String
        /// How the user signed in: password (and one-time code), or an identity provider.
        let signIn: SessionSignIn
        let csrfToken: String
        let created: NIODeadline
        var lastSeen: NIODeadline
    }

    let idleTimeout: TimeAmount
    let lifetime: TimeAmount
    private let sessions: Mutex<[String: Session]> = Mutex([:])

    init(idleTimeout: TimeAmount = .minutes(30), lifetime: TimeAmount = .hours(12)) {
        self.idleTimeout = idleTimeout
        self.lifetime = lifetime
    }

    /// A new session for `user`: the cookie value and the CSRF token.
    func open(user: String, signIn: SessionSignIn, now: NIODeadline) -> (cookie: String, csrfToken: String) {
        let cookie = Self.randomToken(), csrf = Self.randomToken()
        let session = Session(user: user, signIn: signIn, csrfToken: csrf, created: now, lastSeen: now)
        sessions.withLock { sessions in
            sessions = sessions.filter { !lapsed($0.value, now: now) }
            sessions[Self.digest(cookie)] = session
        }
        return (cookie, csrf)
    }

    /// The live session of a cookie, its idle clock restarted; nil when unknown or lapsed.
    func resume(cookie: String, now: NIODeadline) -> Session? {
        sessions.withLock { sessions in
            let key = Self.digest(cookie)
            guard var session = sessions[key] else { return nil }
            guard !lapsed(session, now: now) else {
                sessions[key] = nil
                return nil
            }
            session.lastSeen = now
            sessions[key] = session
            return session
        }
    }

    func close(cookie: String) {
        _ = sessions.withLock { $0.removeValue(forKey: Self.digest(cookie)) }
    }

    private func lapsed(_ session: Session, now: NIODeadline) -> Bool {
        now - session.lastSeen > idleTimeout || now - session.created > lifetime
    }

    /// What a secret held by a browser is kept as: its SHA-256, in hex.
    static func digest(_ cookie: String) -> String {
        SHA256.hash(data: Data(cookie.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// 256 random bits, base64url: a cookie, a CSRF token, a login's state or nonce.
    static func randomToken() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
