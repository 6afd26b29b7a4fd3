import Foundation

/// Where a PostgreSQL index is: `postgres://user@host:port/database`, optionally with
/// `schema=name` (a schema of its own, created when missing: several archives, or tests, in
/// one database), `sslmode` and `sslrootcert` (libpq's names; see `TLSMode`). The password never
/// comes from the URL, which ends up in configuration files and logs, but from the caller (an
/// environment variable or a file), and is never printed.
public struct PostgresIndexLocation: Sendable, CustomStringConvertible {
    /// How the connection is protected. The index carries patient names and IDs, so beyond
    /// loopback the default is `verifyFull`: TLS, the server's certificate checked against
    /// `sslrootcert` (or the system's roots) and its name against the host. Plain text must be
    /// asked for with `sslmode=disable`.
    public enum TLSMode: String, Sendable, CaseIterable {
        case disable
        /// Encrypted, the server not authenticated (libpq's `require`): a passive eavesdropper
        /// learns nothing, an active one can still pose as the server.
        case require
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    public var schema: String?
    public var tls: TLSMode
    /// PEM file of the certificate authorities that may sign the server's certificate; nil: the
    /// system's.
    public var rootCertificates: String?
    var password: String?

    /// Parses `url`; `password` is the one to sign in with, nil for trust or peer authentication.
    public init(url: String, password: String?) throws(ArchiveError) {
        func invalid(_ why: String) -> ArchiveError {
            .index(operation: "be located at \(Self.redacted(url))",
                   underlying: "\(why): write postgres://user@host:port/database[?schema=name&sslmode=verify-full&sslrootcert=/path/ca.pem]")
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
        let items = components.queryItems ?? []
        if let unknown = items.first(where: { !["schema", "sslmode", "sslrootcert"].contains($0.name) }) {
            throw invalid("\(unknown.name) is not a parameter here (schema, sslmode, sslrootcert)")
        }
        let loopback = host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
        if let mode = items.first(where: { $0.name == "sslmode" })?.value {
            guard let tls = TLSMode(rawValue: mode) else {
                throw invalid("sslmode \(mode) is not one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            self.tls = tls
        } else {
            self.tls = loopback ? .disable : .verifyFull
        }
        rootCertificates = items.first(where: { $0.name == "sslrootcert" })?.value
        if rootCertificates != nil, tls != .verifyFull { throw invalid("sslrootcert is only used with sslmode=verify-full") }
        if let schema = items.first(where: { $0.name == "schema" })?.value {
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
        let parameters = [schema.map { "schema=\($0)" }, "sslmode=\(tls.rawValue)", rootCertificates.map { "sslrootcert=\($0)" }].compactMap { $0 }
        return "postgres://\(user)@\(host):\(port)/\(database)?" + parameters.joined(separator: "&")
    }

    /// A URL as it may be shown: any password in it replaced.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? "(a postgres URL)"
    }
}
