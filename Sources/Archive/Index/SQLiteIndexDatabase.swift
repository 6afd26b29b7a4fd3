#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GRDB

/// The embedded index: SQLite through a GRDB `DatabasePool` (WAL: readers never wait for the
/// writer). Its schema is migrated by GRDB's migrator (`ArchiveIndex.sqliteMigrator`).
struct SQLiteIndexDatabase: IndexDatabase {
    let pool: DatabasePool
    /// How long a connection waits for another's transaction (a commit holds the lock through its
    /// fsync) before it fails with SQLITE_BUSY: the command line (backup, verify, import) opens
    /// the index while a server writes it.
    static let lockWait: TimeInterval = 30

    init(path: String, migrator: DatabaseMigrator) throws(ArchiveError) {
        do {
            var configuration = Configuration()
            configuration.foreignKeysEnabled = true
            configuration.busyMode = .timeout(Self.lockWait)
            pool = try DatabasePool(path: path, configuration: configuration)
            // Rule 5: a committed store survives a power cut, not only a process crash. In WAL
            // mode NORMAL may lose the last commits; FULL syncs the WAL at every commit. Set on
            // the writer once the pool is open: GRDB sets NORMAL when it turns WAL on, after
            // `prepareDatabase` has run (`Database.setUpWALMode`).
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            try migrator.migrate(pool)
        } catch {
            throw .index(operation: "be opened at \(path)", underlying: "\(error)")
        }
        // The index holds patient data: owner only, whatever the umask (the WAL files too).
        for file in [path, path + "-wal", path + "-shm"] where access(file, F_OK) == 0 {
            guard chmod(file, 0o600) == 0 else {
                throw .index(operation: "be restricted to its owner (chmod 600 \(file))", underlying: String(cString: strerror(errno)))
            }
        }
    }

    func read<T>(_ body: (any IndexTransaction) throws -> T) throws -> T {
        try pool.read { db in try body(SQLiteIndexTransaction(db: db)) }
    }

    func write<T>(_ body: (any IndexTransaction) throws -> T) throws -> T {
        try pool.write { db in try body(SQLiteIndexTransaction(db: db)) }
    }
}

/// An `IndexTransaction` on a GRDB connection inside one of its transactions.
struct SQLiteIndexTransaction: IndexTransaction {
    let db: Database

    var dialect: IndexDialect { .sqlite }

    // The index runs a few statements many times (a store runs about ten): each is prepared
    // once per connection and kept (GRDB's statement cache). A cached statement is reused only
    // once the call that used it has read all its rows, so `forEachRow`, whose body may run
    // other statements while its cursor is open, prepares its own.
    func fetchAll(_ sql: String, values: [IndexValue]) throws -> [IndexRow] {
        try Row.fetchAll(try db.cachedStatement(sql: sql), arguments: Self.arguments(values)).map(Self.row)
    }

    func execute(_ sql: String, values: [IndexValue]) throws -> Int {
        try db.cachedStatement(sql: sql).execute(arguments: Self.arguments(values))
        return db.changesCount
    }

    func forEachRow(_ sql: String, values: [IndexValue], _ body: (IndexRow) throws -> Bool) throws {
        let rows = try Row.fetchCursor(db, sql: sql, arguments: Self.arguments(values))
        while let row = try rows.next(), try body(Self.row(row)) {}
    }

    private static func arguments(_ values: [IndexValue]) -> StatementArguments {
        StatementArguments(values.map { value -> DatabaseValue in
            switch value {
            case .null: .null
            case .integer(let number): number.databaseValue
            case .text(let text): text.databaseValue
            case .blob(let bytes): Data(bytes).databaseValue
            }
        })
    }

    private static func row(_ row: Row) -> IndexRow {
        IndexRow(zip(row.columnNames, row.databaseValues).map { name, value in
            let converted: IndexValue = switch value.storage {
            case .null: .null
            case .int64(let number): .integer(number)
            // The index stores no reals; a computed one (none today) reads as its text.
            case .double(let number): .text(String(number))
            case .string(let text): .text(text)
            case .blob(let data): .blob([UInt8](data))
            }
            return (name, converted)
        })
    }
}
