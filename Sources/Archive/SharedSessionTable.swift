/// The web UI's browser sessions (and logins through an identity provider under way) kept in a
/// PostgreSQL index, so that every node of a scaled-out archive resumes a session another node
/// opened, and ends a login another began (docs/scaling.md, "Several nodes"). A row is
/// named by the SHA-256 of the session's cookie, never the cookie itself; what a session is (its
/// user, how it signed in, its CSRF token and clocks) is the web layer's to interpret.
///
/// An embedded archive has none: one node keeps its sessions in memory.
public struct SharedSessionTable: Sendable {
    let index: ArchiveIndex

    /// One session as stored. Times are milliseconds since 1970 (UTC), the one clock nodes share.
    public struct Row: Sendable, Equatable {
        public let user: String
        /// How the session signed in, encoded by the web layer.
        public let signIn: String
        public let csrfToken: String
        public let created: Int64
        public var lastSeen: Int64

        public init(user: String, signIn: String, csrfToken: String, created: Int64, lastSeen: Int64) {
            self.user = user
            self.signIn = signIn
            self.csrfToken = csrfToken
            self.created = created
            self.lastSeen = lastSeen
        }
    }

    public func insert(key: String, _ row: Row) throws(ArchiveError) {
        try index.write("open a web session") { db in
            _ = try db.execute("INSERT INTO web_session (key, userName, signIn, csrfToken, created, lastSeen) VALUES (?, ?, ?, ?, ?, ?)",
                               [key, row.user, row.signIn, row.csrfToken, row.created, row.lastSeen])
        }
    }

    public func row(key: String) throws(ArchiveError) -> Row? {
        try index.read("resume a web session") { db in
            try db.fetchOne("SELECT userName, signIn, csrfToken, created, lastSeen FROM web_session WHERE key = ?", [key]).map { row in
                Row(user: try row.requiredText("userName"), signIn: try row.requiredText("signIn"), csrfToken: try row.requiredText("csrfToken"),
                    created: try row.integer("created") ?? 0, lastSeen: try row.integer("lastSeen") ?? 0)
            }
        }
    }

    public func touch(key: String, lastSeen: Int64) throws(ArchiveError) {
        try index.write("note a web session's activity") { db in
            _ = try db.execute("UPDATE web_session SET lastSeen = ? WHERE key = ? AND lastSeen < ?", [lastSeen, key, lastSeen])
        }
    }

    public func remove(key: String) throws(ArchiveError) {
        try index.write("close a web session") { db in
            _ = try db.execute("DELETE FROM web_session WHERE key = ?", [key])
        }
    }

    /// A login through an identity provider between its beginning and its end (the web layer's
    /// `PendingLoginStore`), named by its `state`. `expires`: milliseconds since 1970.
    public struct PendingLogin: Sendable, Equatable {
        public let provider: String
        public let nonce: String
        /// SHA-256 of the browser's login cookie.
        public let binding: String
        public let expires: Int64

        public init(provider: String, nonce: String, binding: String, expires: Int64) {
            self.provider = provider
            self.nonce = nonce
            self.binding = binding
            self.expires = expires
        }
    }

    /// Adds a pending login after dropping the expired ones and, past `capacity`, the oldest.
    public func beginLogin(state: String, _ login: PendingLogin, now: Int64, capacity: Int) throws(ArchiveError) {
        try index.write("begin a login") { db in
            _ = try db.execute("DELETE FROM web_pending_login WHERE expires <= ?", [now])
            _ = try db.execute("""
                DELETE FROM web_pending_login WHERE state IN
                    (SELECT state FROM web_pending_login ORDER BY expires DESC OFFSET ?)
                """, [max(capacity - 1, 0)])
            _ = try db.execute("INSERT INTO web_pending_login (state, provider, nonce, binding, expires) VALUES (?, ?, ?, ?, ?)",
                               [state, login.provider, login.nonce, login.binding, login.expires])
        }
    }

    /// Takes the pending login `state` names out of the table (spent whatever comes next); nil
    /// when there is none.
    public func finishLogin(state: String) throws(ArchiveError) -> PendingLogin? {
        try index.write("end a login") { db in
            try db.fetchOne("DELETE FROM web_pending_login WHERE state = ? RETURNING provider, nonce, binding, expires", [state]).map { row in
                PendingLogin(provider: try row.requiredText("provider"), nonce: try row.requiredText("nonce"),
                             binding: try row.requiredText("binding"), expires: try row.integer("expires") ?? 0)
            }
        }
    }

    /// Drops the sessions idle since before `idleSince` or opened before `createdBefore`.
    public func removeLapsed(idleSince: Int64, createdBefore: Int64) throws(ArchiveError) {
        try index.write("drop lapsed web sessions") { db in
            _ = try db.execute("DELETE FROM web_session WHERE lastSeen < ? OR created < ?", [idleSince, createdBefore])
        }
    }
}

extension Archive {
    /// Where the web UI keeps its sessions when several nodes share this archive's index: the
    /// index itself on PostgreSQL; nil for the embedded index (one node, sessions in memory).
    public nonisolated var sharedSessions: SharedSessionTable? {
        index.database is PostgresIndexDatabase ? SharedSessionTable(index: index) : nil
    }
}
