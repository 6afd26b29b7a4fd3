import Logging
import PostgresNIO

/// The index on PostgreSQL, for archives that outgrow one machine: several nodes share it
/// (docs/scaling.md). The same tables and SQL as the embedded index; `IndexDialect.postgres`
/// says where they differ.
///
/// Writes run at READ COMMITTED: entity rows are created with `ON CONFLICT DO NOTHING` and
/// locked `FOR UPDATE` before a merge (`ArchiveIndex.entityRow`), so two nodes filing into one
/// study neither fail nor duplicate it. A transaction the server aborts for a serialization
/// failure or a deadlock is run again, a bounded number of times. Reads run at REPEATABLE READ
/// so that a query's many statements see one state, as SQLite's WAL readers do.
struct PostgresIndexDatabase: IndexDatabase {
    private let pool: PostgresConnectionPool
    private let logger: Logger
    /// Attempts of a write transaction the server aborted for a conflict with another's.
    static let attempts = 5

    /// Connects to `location` (a pool of at most `connections`) and migrates its schema.
    init(location: PostgresIndexLocation, connections: Int = 8,
         logger: Logger = Logger(label: "rampart.archive.index")) throws(ArchiveError) {
        self.logger = logger
        pool = try PostgresConnectionPool(location: location, size: connections, logger: logger)
        do {
            try PostgresIndexSchema(schema: location.schema, logger: logger).migrate(self)
        } catch let error as ArchiveError {
            throw error
        } catch {
            throw .indexServer(operation: "be opened at \(location)", underlying: Self.explain(error))
        }
    }

    func read<T>(_ body: (any IndexTransaction) throws -> T) throws -> T {
        try transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    func write<T>(_ body: (any IndexTransaction) throws -> T) throws -> T {
        var attempt = 1
        while true {
            do {
                return try transaction(begin: "BEGIN ISOLATION LEVEL READ COMMITTED", body)
            } catch where attempt < Self.attempts && Self.isConflict(error) {
                attempt += 1
            }
        }
    }

    private func transaction<T>(begin: String, _ body: (any IndexTransaction) throws -> T) throws -> T {
        try pool.withConnection { pooled in
            let transaction = PostgresIndexTransaction(connection: pooled.connection, statements: pooled.statements, logger: logger)
            try transaction.execute(begin)
            do {
                let result = try body(transaction)
                try transaction.execute("COMMIT")
                return result
            } catch {
                // The connection goes back to the pool: it must not stay inside the failed
                // transaction. A closed connection is dropped by the pool anyway.
                _ = try? transaction.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// 40001 serialization_failure, 40P01 deadlock_detected: the transaction may succeed if run again.
    static func isConflict(_ error: any Error) -> Bool {
        ["40001", "40P01"].contains(serverMessage(of: error)?.sqlState)
    }

    /// What the server said of a failed statement: in postgres-nio's `PSQLError`, or in the
    /// older `PostgresError` its prepared statements (`PreparedStatements`) fail with.
    private static func serverMessage(of error: any Error) -> (message: String, sqlState: String?)? {
        if let error = error as? PSQLError, let message = error.serverInfo?[.message] {
            return (message, error.serverInfo?[.sqlState])
        }
        if case .server(let server)? = error as? PostgresError, let message = server.fields[.message] {
            return (message, server.fields[.sqlState])
        }
        return nil
    }

    /// What PostgreSQL said, or postgres-nio's error when the server said nothing (connection refused).
    static func explain(_ error: any Error) -> String {
        if let (message, sqlState) = serverMessage(of: error) {
            return "PostgreSQL: \(message) (SQLSTATE \(sqlState ?? "?"))"
        }
        guard let error = error as? PSQLError else { return "\(error)" }
        let underlying = error.underlying.map { "\($0)" } ?? ""
        if underlying.contains("CERTIFICATE_VERIFY_FAILED") {
            return "the server's TLS certificate was not accepted: name the CA that signed it with sslrootcert=/path/ca.pem in the URL, "
                + "and connect by a host name or address the certificate carries"
        }
        if error.code == .sslUnsupported {
            return "the server does not offer TLS: turn on ssl in its postgresql.conf, or, on a trusted network only, add sslmode=disable to the URL"
        }
        return "\(error.code)" + (underlying.isEmpty ? "" : ": \(underlying)")
    }
}
