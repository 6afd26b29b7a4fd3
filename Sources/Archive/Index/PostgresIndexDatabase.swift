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
            } catch let error as PSQLError where attempt < Self.attempts && Self.isConflict(error) {
                attempt += 1
            }
        }
    }

    private func transaction<T>(begin: String, _ body: (any IndexTransaction) throws -> T) throws -> T {
        try pool.withConnection { connection in
            let transaction = PostgresIndexTransaction(connection: connection, logger: logger)
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
    private static func isConflict(_ error: PSQLError) -> Bool {
        ["40001", "40P01"].contains(error.serverInfo?[.sqlState])
    }

    /// What PostgreSQL said, or postgres-nio's error when the server said nothing (connection refused).
    static func explain(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] {
            return "PostgreSQL: \(message) (SQLSTATE \(error.serverInfo?[.sqlState] ?? "?"))"
        }
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
