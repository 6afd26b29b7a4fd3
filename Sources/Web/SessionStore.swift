import Access
import Archive
import Crypto
import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// The browser sessions of the web UI. A session is named by 256 random bits that only the
/// browser holds (an HttpOnly cookie); the store keys it by their SHA-256, so a memory dump or a
/// database copy does not hand out live cookies. It lapses after `idleTimeout` without a request,
/// and after `lifetime` whatever happens, and carries the token a page must echo in
/// `X-CSRF-Token` to change anything.
///
/// One node keeps its sessions in memory (a restart signs everyone out); nodes sharing a
/// PostgreSQL index keep them there, so any node resumes a session another opened. Clocks are
/// wall-clock time, the one the nodes share.
final class SessionStore: Sendable {
    struct Session: Sendable {
        let user: String
        /// How the user signed in: password (and one-time code), or an identity provider.
        let signIn: SessionSignIn
        let csrfToken: String
        let created: Date
        var lastSeen: Date
    }

    let idleTimeout: TimeInterval
    let lifetime: TimeInterval
    private let keeper: any SessionKeeper

    init(idleTimeout: TimeInterval = 30 * 60, lifetime: TimeInterval = 12 * 3600, shared: SharedSessionTable? = nil) {
        self.idleTimeout = idleTimeout
        self.lifetime = lifetime
        keeper = shared.map { SharedSessionKeeper(table: $0) } ?? MemorySessionKeeper()
    }

    /// A new session for `user`: the cookie value and the CSRF token.
    func open(user: String, signIn: SessionSignIn, now: Date = Date()) async throws -> (cookie: String, csrfToken: String) {
        let cookie = Self.randomToken(), csrf = Self.randomToken()
        try await keeper.removeLapsed(idleSince: now - idleTimeout, createdBefore: now - lifetime)
        try await keeper.insert(Session(user: user, signIn: signIn, csrfToken: csrf, created: now, lastSeen: now), key: Self.digest(cookie))
        return (cookie, csrf)
    }

    /// The live session of a cookie, its idle clock restarted; nil when unknown or lapsed.
    func resume(cookie: String, now: Date = Date()) async throws -> Session? {
        let key = Self.digest(cookie)
        guard var session = try await keeper.session(key: key) else { return nil }
        guard now.timeIntervalSince(session.lastSeen) <= idleTimeout, now.timeIntervalSince(session.created) <= lifetime else {
            try await keeper.remove(key: key)
            return nil
        }
        // A shared keeper writes the idle clock at most once a minute, not at every request.
        if now.timeIntervalSince(session.lastSeen) >= keeper.touchInterval {
            session.lastSeen = now
            try await keeper.touch(key: key, at: now)
        }
        return session
    }

    func close(cookie: String) async throws {
        try await keeper.remove(key: Self.digest(cookie))
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

/// Where a `SessionStore` keeps its sessions, by the SHA-256 of their cookies.
protocol SessionKeeper: Sendable {
    /// How stale a session's stored idle clock may be before a request writes it again.
    var touchInterval: TimeInterval { get }
    func insert(_ session: SessionStore.Session, key: String) async throws
    func session(key: String) async throws -> SessionStore.Session?
    func touch(key: String, at: Date) async throws
    func remove(key: String) async throws
    func removeLapsed(idleSince: Date, createdBefore: Date) async throws
}

/// Sessions of one node, in its memory.
final class MemorySessionKeeper: SessionKeeper {
    private let sessions: Mutex<[String: SessionStore.Session]> = Mutex([:])

    var touchInterval: TimeInterval { 0 }

    func insert(_ session: SessionStore.Session, key: String) {
        sessions.withLock { $0[key] = session }
    }

    func session(key: String) -> SessionStore.Session? {
        sessions.withLock { $0[key] }
    }

    func touch(key: String, at now: Date) {
        sessions.withLock { $0[key]?.lastSeen = now }
    }

    func remove(key: String) {
        _ = sessions.withLock { $0.removeValue(forKey: key) }
    }

    func removeLapsed(idleSince: Date, createdBefore: Date) {
        sessions.withLock { $0 = $0.filter { $0.value.lastSeen >= idleSince && $0.value.created >= createdBefore } }
    }
}

/// Sessions in the archive's PostgreSQL index, shared by the nodes. The index API blocks, so each
/// call runs on the thread pool, off the event loops.
struct SharedSessionKeeper: SessionKeeper {
    let table: SharedSessionTable

    var touchInterval: TimeInterval { 60 }

    func insert(_ session: SessionStore.Session, key: String) async throws {
        let row = SharedSessionTable.Row(user: session.user, signIn: session.signIn.stored, csrfToken: session.csrfToken,
                                         created: Self.milliseconds(session.created), lastSeen: Self.milliseconds(session.lastSeen))
        try await Self.run { try table.insert(key: key, row) }
    }

    func session(key: String) async throws -> SessionStore.Session? {
        guard let row = try await Self.run({ try table.row(key: key) }) else { return nil }
        // A row this version cannot read (written by a newer node) is no session here.
        guard let signIn = SessionSignIn(stored: row.signIn) else { return nil }
        return SessionStore.Session(user: row.user, signIn: signIn, csrfToken: row.csrfToken,
                                    created: Self.date(row.created), lastSeen: Self.date(row.lastSeen))
    }

    func touch(key: String, at now: Date) async throws {
        try await Self.run { try table.touch(key: key, lastSeen: Self.milliseconds(now)) }
    }

    func remove(key: String) async throws {
        try await Self.run { try table.remove(key: key) }
    }

    func removeLapsed(idleSince: Date, createdBefore: Date) async throws {
        try await Self.run { try table.removeLapsed(idleSince: Self.milliseconds(idleSince), createdBefore: Self.milliseconds(createdBefore)) }
    }

    /// Runs an index call on the thread pool; its failure is a 503 that names no database detail.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        do {
            return try await NIOThreadPool.singleton.runIfActive(body)
        } catch {
            throw WebProblem(.serviceUnavailable, "the sessions in the archive's index database cannot be reached; try again shortly")
        }
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }
}

extension SessionSignIn {
    /// The text a shared session row keeps: `account:<strength>` or `provider:` and a JSON array
    /// of the issuer then the roles.
    var stored: String {
        switch self {
        case .account(let strength):
            return "account:\(strength.rawValue)"
        case let .identityProvider(issuer, roles):
            let json = (try? JSONEncoder().encode([issuer] + roles)).flatMap { String(data: $0, encoding: .utf8) } ?? "[]"
            return "provider:" + json
        }
    }

    init?(stored text: String) {
        if text.hasPrefix("account:"), let raw = Int(text.dropFirst("account:".count)), let strength = AuthenticationStrength(rawValue: raw) {
            self = .account(strength)
        } else if text.hasPrefix("provider:"),
                  let values = try? JSONDecoder().decode([String].self, from: Data(text.dropFirst("provider:".count).utf8)),
                  let issuer = values.first {
            self = .identityProvider(issuer: issuer, roles: Array(values.dropFirst()))
        } else {
            return nil
        }
    }
}
