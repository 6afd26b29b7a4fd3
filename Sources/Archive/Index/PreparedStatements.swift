import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO

/// The named prepared statements of one PostgreSQL connection, by SQL text: the server parses
/// and analyses a statement once per connection instead of on every call, and after five
/// executions may keep a generic plan where its estimate is no worse than a custom one's (a
/// `LIKE` on a bound pattern keeps custom plans, as only those can use the prefix index).
///
/// The index's SQL is made at run time (a query's conditions, a UID list's length), so the
/// statements are prepared with postgres-nio's `prepare(query:)`, which names them itself, not
/// with `PostgresPreparedStatement`, whose SQL is a type's. At most `capacity` are kept; past
/// that, all are deallocated and preparing starts over.
///
/// Used by one transaction at a time, as its connection is (`PostgresConnectionPool`): the
/// lock is never contended; it makes the type Sendable.
final class PreparedStatements: Sendable {
    static let capacity = 256
    private let statements = NIOLockedValueBox<[String: PreparedQuery]>([:])

    /// The statement for `sql` (its placeholders typed: `PostgresIndexTransaction.typedSQL`),
    /// prepared on `connection` the first time.
    func statement(_ sql: String, on connection: PostgresConnection) throws -> PreparedQuery {
        if let prepared = statements.withLockedValue({ $0[sql] }) { return prepared }
        let evicted = statements.withLockedValue { statements -> [PreparedQuery] in
            guard statements.count >= Self.capacity else { return [] }
            defer { statements.removeAll() }
            return Array(statements.values)
        }
        for prepared in evicted { try prepared.deallocate().wait() }
        let prepared = try connection.prepare(query: sql).wait()
        statements.withLockedValue { $0[sql] = prepared }
        return prepared
    }
}
