import Foundation

/// Where a PostgreSQL index is: `postgres://user@host:port/database`, optionally
/// `?schema=name` (a schema of its own, created when missing: several archives, or tests, in
/// one database). The password never comes from the URL, which ends up in configuration files
/// and logs, but from the caller (an environment variable or a file), and is never printed.
public struct PostgresIndexLocation: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    public var schema: String?
    var password: String?

    /// Parses `url`; `password` is the one to sign in with, nil for trust or peer authentication.
    public init(url: String, password: String?) throws(ArchiveError) {
        func invalid(_ why: String) -> ArchiveError {
            .index(operation: "be located at \(Self.redacted(url))", underlying: "\(why): write postgres://user@host:port/database[?schema=name]")
        }
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme) else {
            throw invalid("not a postgres:// URL")
        }
        guard components.password == nil else {
            throw invalid("the URL carries a password; give it in RAMPART_INDEX_PASSWORD or archive.indexPasswordFile instead")
        }
        guard let host = components.host, !host.isEmpty else { throw invalid("no host") }
        guard let user = components.user, !user.isEmpty else { throw invalid("no user") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { throw invalid("no database name") }
        self.host = host
        self.port = components.port ?? 5432
        self.user = user
        self.database = database
        self.password = password
        if let schema = components.queryItems?.first(where: { $0.name == "schema" })?.value {
            // Spliced into SQL as an identifier (search_path, CREATE SCHEMA): letters, digits
            // and underscores only.
            guard Self.isIdentifier(schema) else { throw invalid("schema \(schema) is not a lowercase identifier ([a-z_][a-z0-9_]*)") }
            self.schema = schema
        }
    }

    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.unicodeScalars.count <= 63,
              first == "_" || ("a"..."z").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }

    /// The location without its password.
    public var description: String {
        "postgres://\(user)@\(host):\(port)/\(database)" + (schema.map { "?schema=\($0)" } ?? "")
    }

    /// A URL as it may be shown: any password in it replaced.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? "(a postgres URL)"
    }
}
