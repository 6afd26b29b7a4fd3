/// A transaction on the index, whichever back end holds it. SQL uses `?` placeholders (the
/// PostgreSQL back end numbers them `$1`, `$2`…) and binds every value; what differs between
/// the SQL of the back ends is asked of `dialect`.
protocol IndexTransaction {
    var dialect: IndexDialect { get }

    /// Runs a statement and returns the rows it yields (a SELECT, or a statement with RETURNING).
    func fetchAll(_ sql: String, values: [IndexValue]) throws -> [IndexRow]

    /// Runs a statement and returns how many rows it inserted, updated or deleted.
    @discardableResult
    func execute(_ sql: String, values: [IndexValue]) throws -> Int

    /// Calls `body` with each row in turn until it returns false: a back end that can stream
    /// (SQLite's cursor) stops reading there. `body` may run other statements on this transaction.
    func forEachRow(_ sql: String, values: [IndexValue], _ body: (IndexRow) throws -> Bool) throws
}

extension IndexTransaction {
    func fetchAll(_ sql: String, _ arguments: [any IndexArgument] = []) throws -> [IndexRow] {
        try fetchAll(sql, values: arguments.map(\.indexValue))
    }

    func fetchOne(_ sql: String, _ arguments: [any IndexArgument] = []) throws -> IndexRow? {
        try fetchAll(sql, values: arguments.map(\.indexValue)).first
    }

    @discardableResult
    func execute(_ sql: String, _ arguments: [any IndexArgument] = []) throws -> Int {
        try execute(sql, values: arguments.map(\.indexValue))
    }
}

/// Where an index lives: the transactions it runs. A failed transaction is rolled back; the
/// error thrown by `body` is rethrown as is.
protocol IndexDatabase: Sendable {
    /// A read-only transaction that sees one consistent state of the index.
    func read<T>(_ body: (any IndexTransaction) throws -> T) throws -> T
    /// A read-write transaction. `body` may run more than once (the PostgreSQL back end retries
    /// a transaction another node's conflicted with), so it must only touch the index.
    func write<T>(_ body: (any IndexTransaction) throws -> T) throws -> T
}
