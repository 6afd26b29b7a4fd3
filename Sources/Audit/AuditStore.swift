#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto
import Foundation
import GRDB

/// The local audit log: append-only and tamper-evident, in SQLite (`audit.sqlite`, WAL).
///
/// Each record is an event's JSON, stored as written, chained to the one before by SHA-256
/// (`hash = SHA-256(previous hash ‖ sequence ‖ record)`), and every `checkpointInterval`
/// records (and at `checkpoint()`) the latest hash is signed with the site's Ed25519 key. An
/// edit, a removal or a reordering breaks the chain; rewriting the chain after it needs the
/// key. The columns queries use (time, actor, source address, outcome, kind) and the subject
/// table are derived from the record, and `verify` checks them against it, so hiding an event
/// from queries is tampering too.
///
/// Several processes may append (a running server and the command line): the chain's last
/// link is read inside each write transaction.
public struct AuditStore: Sendable {
    public let path: String
    let pool: DatabasePool
    private let signingKey: AuditSigningKey?
    /// Records between two signed checkpoints.
    public let checkpointInterval: UInt64
    /// How long an append waits for another process's transaction before it fails.
    static let lockWait: TimeInterval = 30

    /// Opens (or creates) the log. Without a signing key the store can be read and verified but
    /// not written.
    public init(path: String, signingKey: AuditSigningKey?, checkpointInterval: UInt64 = 1000) throws(AuditError) {
        self.path = path
        self.signingKey = signingKey
        self.checkpointInterval = max(1, checkpointInterval)
        do {
            var configuration = Configuration()
            configuration.readonly = signingKey == nil && FileManager.default.fileExists(atPath: path)
            // A server and the command line append to one file: a writer waits its turn (a
            // commit holds the lock for its fsync) instead of failing with SQLITE_BUSY.
            configuration.busyMode = .timeout(Self.lockWait)
            pool = try DatabasePool(path: path, configuration: configuration)
            if !configuration.readonly {
                // DESIGN.md rule 2: an access is allowed only once its record is written, and the
                // record must survive a power cut as the archived object does (FULL syncs the
                // WAL at every commit). Set on the writer once the pool is open: GRDB sets NORMAL
                // when it turns WAL on, after `prepareDatabase` has run (`Database.setUpWALMode`).
                try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
                try Self.migrator.migrate(pool)
            }
        } catch {
            throw .store(path: path, operation: "be opened", underlying: "\(error)")
        }
        // Audit records name patients: owner only, whatever the umask.
        for file in [path, path + "-wal", path + "-shm"] where access(file, F_OK) == 0 && signingKey != nil {
            guard chmod(file, 0o600) == 0 else {
                throw .store(path: path, operation: "be restricted to its owner (chmod 600 \(file))", underlying: String(cString: strerror(errno)))
            }
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE event (
                    seq INTEGER PRIMARY KEY,
                    time INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    outcome INTEGER NOT NULL,
                    actor TEXT NOT NULL,
                    source_ip BLOB,
                    record TEXT NOT NULL,
                    hash BLOB NOT NULL
                );
                CREATE INDEX event_time ON event(time);
                CREATE INDEX event_actor ON event(actor, time);
                CREATE INDEX event_source ON event(source_ip, time);
                CREATE TABLE subject (
                    kind TEXT NOT NULL,
                    id TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    PRIMARY KEY (kind, id, seq)
                ) WITHOUT ROWID;
                CREATE INDEX subject_seq ON subject(seq);
                CREATE TABLE checkpoint (
                    seq INTEGER PRIMARY KEY,
                    hash BLOB NOT NULL,
                    time INTEGER NOT NULL,
                    signature BLOB NOT NULL
                );
                """)
            // Append-only by construction: SQL that would change or remove a row is refused.
            for table in ["event", "subject", "checkpoint"] {
                for operation in ["UPDATE", "DELETE"] {
                    try db.execute(sql: """
                        CREATE TRIGGER \(table)_append_only_\(operation.lowercased()) BEFORE \(operation) ON \(table)
                            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
                        """)
                }
            }
        }
        return migrator
    }

    // MARK: Writing

    /// Appends the event, chained to the last record, and returns its sequence number (from 1).
    /// When this returns, the record is durable.
    @discardableResult
    public func append(_ event: AuditEvent) throws(AuditError) -> UInt64 {
        try append([event]).first ?? 0
    }

    /// Appends events in one transaction, in order.
    public func append(_ events: [AuditEvent]) throws(AuditError) -> [UInt64] {
        guard let signingKey else {
            throw .store(path: path, operation: "be written", underlying: "it was opened without the signing key")
        }
        let records: [(AuditEvent, String)]
        do {
            records = try events.map { ($0, try AuditRecord.encode($0)) }
        } catch {
            throw .store(path: path, operation: "encode an event", underlying: "\(error)")
        }
        do {
            return try pool.writeWithoutTransaction { db in
                var sequences: [UInt64] = []
                try db.inTransaction(.immediate) {
                    var (sequence, hash) = try Self.lastLink(db)
                    for (event, record) in records {
                        sequence += 1
                        hash = AuditRecord.chain(previous: hash, sequence: sequence, record: record)
                        try Self.insert(event, record: record, sequence: sequence, hash: hash, db)
                        sequences.append(sequence)
                    }
                    let signed = try UInt64.fetchOne(db, sql: "SELECT max(seq) FROM checkpoint") ?? 0
                    if sequence - signed >= checkpointInterval {
                        try Self.sign(sequence: sequence, hash: hash, with: signingKey, db)
                    }
                    return .commit
                }
                return sequences
            }
        } catch {
            throw .store(path: path, operation: "append a record", underlying: "\(error)")
        }
    }

    /// Signs the last record now, if it is not signed yet: at shutdown, and after the command
    /// line's own records, so that no record waits unsigned for the next interval.
    public func checkpoint() throws(AuditError) {
        guard let signingKey else { return }
        do {
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    let (sequence, hash) = try Self.lastLink(db)
                    let signed = try UInt64.fetchOne(db, sql: "SELECT max(seq) FROM checkpoint") ?? 0
                    if sequence > signed {
                        try Self.sign(sequence: sequence, hash: hash, with: signingKey, db)
                    }
                    return .commit
                }
            }
        } catch {
            throw .store(path: path, operation: "sign a checkpoint", underlying: "\(error)")
        }
    }

    private static func lastLink(_ db: Database) throws -> (UInt64, [UInt8]) {
        guard let row = try Row.fetchOne(db, sql: "SELECT seq, hash FROM event ORDER BY seq DESC LIMIT 1") else {
            return (0, AuditRecord.genesis)
        }
        return (row["seq"], Array((row["hash"] as Data?) ?? Data()))
    }

    private static func insert(_ event: AuditEvent, record: String, sequence: UInt64, hash: [UInt8], _ db: Database) throws {
        let columns = AuditRecord.Columns(event)
        try db.execute(sql: "INSERT INTO event (seq, time, kind, outcome, actor, source_ip, record, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       arguments: [sequence, columns.time, columns.kind, columns.outcome, columns.actor, columns.sourceIP.map { Data($0) },
                                   record, Data(hash)])
        for subject in columns.subjects {
            try db.execute(sql: "INSERT OR IGNORE INTO subject (kind, id, seq) VALUES (?, ?, ?)", arguments: [subject.kind, subject.id, sequence])
        }
    }

    private static func sign(sequence: UInt64, hash: [UInt8], with key: AuditSigningKey, _ db: Database) throws {
        let time = AuditRecord.microseconds(Date())
        let signature = try key.signature(for: AuditRecord.checkpointMessage(sequence: sequence, hash: hash, time: time))
        try db.execute(sql: "INSERT INTO checkpoint (seq, hash, time, signature) VALUES (?, ?, ?, ?)",
                       arguments: [sequence, Data(hash), time, Data(signature)])
    }

    // MARK: Reading

    /// The events the query selects, oldest first: the newest `query.limit` of them.
    public func events(matching query: AuditQuery) throws(AuditError) -> [RecordedAuditEvent] {
        let (sql, arguments) = query.sql()
        return try read("run a query") { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).reversed().map(Self.recorded)
        }
    }

    /// The events of the period counted per hour or day and outcome, in one pass over the time
    /// index: the events themselves are not read.
    public func timeline(_ period: AuditTimeline.Period) throws(AuditError) -> AuditTimeline {
        let bucket = period.bucket
        let rows = try read("count events per \(bucket.rawValue)") { db in
            try Row.fetchAll(db, sql: """
                SELECT time / ? AS slot, outcome, count(*) AS count FROM event WHERE time >= ? AND time < ? GROUP BY slot, outcome
                """, arguments: [bucket.microseconds, AuditRecord.microseconds(period.from), AuditRecord.microseconds(period.to)])
                .map { (slot: $0["slot"] as Int64, outcome: $0["outcome"] as Int, count: $0["count"] as Int) }
        }
        return AuditTimeline(period, rows: rows)
    }

    /// The events after `sequence`, oldest first: what an exporter sends next.
    public func events(after sequence: UInt64, limit: Int) throws(AuditError) -> [RecordedAuditEvent] {
        try read("read records after \(sequence)") { db in
            try Row.fetchAll(db, sql: "SELECT seq, record FROM event WHERE seq > ? ORDER BY seq LIMIT ?",
                             arguments: [sequence, limit]).map(Self.recorded)
        }
    }

    /// Copies the log as of one transaction to `destination` (a new file), while servers may
    /// append to it (SQLite's online backup): the copy ends at a record, with every checkpoint
    /// before it. Returns the copy's last record number.
    public func copy(to destination: String) throws(AuditError) -> UInt64 {
        do {
            let copy = try DatabaseQueue(path: destination)
            try pool.backup(to: copy)
            return try copy.read { db in try UInt64.fetchOne(db, sql: "SELECT max(seq) FROM event") ?? 0 }
        } catch {
            throw .store(path: path, operation: "be copied to \(destination)", underlying: "\(error)")
        }
    }

    /// The number of the last record, 0 when the log is empty.
    public func lastSequence() throws(AuditError) -> UInt64 {
        try read("be read") { db in try UInt64.fetchOne(db, sql: "SELECT max(seq) FROM event") ?? 0 }
    }

    private static func recorded(_ row: Row) throws -> RecordedAuditEvent {
        let sequence: UInt64 = row["seq"]
        let record: String = row["record"]
        do {
            return RecordedAuditEvent(sequence: sequence, event: try AuditRecord.decode(record))
        } catch {
            throw AuditError.unreadableRecord(sequence: sequence, underlying: "\(error)")
        }
    }

    func read<T>(_ operation: String, _ body: (Database) throws -> T) throws(AuditError) -> T {
        do {
            return try pool.read(body)
        } catch let error as AuditError {
            throw error
        } catch {
            throw .store(path: path, operation: operation, underlying: "\(error)")
        }
    }
}

/// An event with its place in the log.
public struct RecordedAuditEvent: Sendable, Hashable {
    public let sequence: UInt64
    public let event: AuditEvent

    public init(sequence: UInt64, event: AuditEvent) {
        self.sequence = sequence
        self.event = event
    }
}
