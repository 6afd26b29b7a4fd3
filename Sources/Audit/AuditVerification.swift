import Foundation
import GRDB

/// What `verify` found: the records and checkpoints it checked, and the first thing wrong.
public struct AuditVerification: Sendable, Hashable {
    public let records: UInt64
    public let checkpoints: Int
    /// The last record a valid checkpoint signs: the log is proven up to here.
    public let signedThrough: UInt64
    /// The first problem, naming the record; nil when the log is intact.
    public let firstProblem: AuditTampering?

    public var intact: Bool { firstProblem == nil }
}

/// One way the log departs from what Rampart wrote.
public enum AuditTampering: Sendable, Hashable, CustomStringConvertible {
    /// Record `expected` is absent: the next one present is `found` (nil: the log ends early).
    case missing(expected: UInt64, found: UInt64?)
    /// The record's content or place changed: its hash no longer follows from the one before.
    case brokenChain(sequence: UInt64)
    /// The record is not an event Rampart wrote.
    case unreadable(sequence: UInt64, problem: String)
    /// The indexed columns or subjects differ from the record: queries would miss it or misreport it.
    case indexMismatch(sequence: UInt64, column: String)
    /// A checkpoint's signature is not the site key's.
    case badSignature(checkpoint: UInt64)
    /// A checkpoint signs a hash the record at its place no longer has, or a record no longer there.
    case checkpointMismatch(checkpoint: UInt64)

    public var description: String {
        switch self {
        case let .missing(expected, found?):
            "record \(expected) is missing (the next record is \(found)): records were removed"
        case let .missing(expected, nil):
            "record \(expected) and every record after it are missing, although a signed checkpoint covers them: records were removed from the end"
        case let .brokenChain(sequence):
            "record \(sequence) was modified or moved: its hash does not follow from the record before it"
        case let .unreadable(sequence, problem):
            "record \(sequence) is not an audit event (\(problem)): it was modified"
        case let .indexMismatch(sequence, column):
            "record \(sequence)'s \(column) in the index differs from the record: the index was edited to hide or misreport it"
        case let .badSignature(checkpoint):
            "the checkpoint at record \(checkpoint) is not signed by this site's audit key: checkpoints were forged"
        case let .checkpointMismatch(checkpoint):
            "record \(checkpoint) differs from what its signed checkpoint proves: the log was rewritten"
        }
    }

    /// The record the problem is found at.
    public var sequence: UInt64 {
        switch self {
        case let .missing(expected, _): expected
        case let .brokenChain(sequence), let .unreadable(sequence, _), let .indexMismatch(sequence, _): sequence
        case let .badSignature(checkpoint), let .checkpointMismatch(checkpoint): checkpoint
        }
    }
}

extension AuditStore {
    /// Walks the whole log: every record's place and hash, its indexed columns and subjects, and
    /// every checkpoint's signature with `key` (the site's public key, not one stored in the log).
    public func verify(with key: AuditVerifyingKey) throws(AuditError) -> AuditVerification {
        try read("be verified") { db in
            var problems: [AuditTampering] = []
            var hashes: [UInt64: [UInt8]] = [:]
            let checkpointRows = try Row.fetchAll(db, sql: "SELECT seq, hash, time, signature FROM checkpoint ORDER BY seq")
            let checkpointed = Set(checkpointRows.map { $0["seq"] as UInt64 })

            var expected: UInt64 = 1
            var previous = AuditRecord.genesis
            let subjects = try Statement.subjects(db)
            let cursor = try Row.fetchCursor(db, sql: "SELECT seq, time, kind, outcome, actor, source_ip, record, hash FROM event ORDER BY seq")
            while let row = try cursor.next() {
                let sequence: UInt64 = row["seq"]
                if sequence != expected {
                    problems.append(.missing(expected: expected, found: sequence))
                    break
                }
                let record: String = row["record"]
                let stored = Array((row["hash"] as Data?) ?? Data())
                let hash = AuditRecord.chain(previous: previous, sequence: sequence, record: record)
                guard hash == stored else {
                    problems.append(.brokenChain(sequence: sequence))
                    break
                }
                let event: AuditEvent
                do {
                    event = try AuditRecord.decode(record)
                } catch {
                    problems.append(.unreadable(sequence: sequence, problem: "\(error)"))
                    break
                }
                if let column = try Self.mismatchedColumn(row, event, subjects: subjects, sequence: sequence) {
                    problems.append(.indexMismatch(sequence: sequence, column: column))
                    break
                }
                if checkpointed.contains(sequence) { hashes[sequence] = hash }
                previous = hash
                expected += 1
            }
            let records = expected - 1

            var signedThrough: UInt64 = 0
            for row in checkpointRows {
                let sequence: UInt64 = row["seq"]
                let hash = Array((row["hash"] as Data?) ?? Data())
                let signature = Array((row["signature"] as Data?) ?? Data())
                let message = AuditRecord.checkpointMessage(sequence: sequence, hash: hash, time: row["time"])
                guard key.isValid(signature, for: message) else {
                    problems.append(.badSignature(checkpoint: sequence))
                    break
                }
                if sequence > records, problems.isEmpty {
                    // Signed, but the walk ended before it: the end of the log was cut off.
                    problems.append(.missing(expected: records + 1, found: nil))
                    break
                }
                if let walked = hashes[sequence], walked != hash {
                    problems.append(.checkpointMismatch(checkpoint: sequence))
                    break
                }
                if hashes[sequence] != nil { signedThrough = sequence }
            }
            return AuditVerification(records: records, checkpoints: checkpointRows.count, signedThrough: signedThrough,
                                     firstProblem: problems.min { $0.sequence < $1.sequence })
        }
    }

    private static func mismatchedColumn(_ row: Row, _ event: AuditEvent, subjects: Statement, sequence: UInt64) throws -> String? {
        let columns = AuditRecord.Columns(event)
        if (row["time"] as Int64) != columns.time { return "time" }
        if (row["kind"] as String) != columns.kind { return "kind" }
        if (row["outcome"] as Int) != columns.outcome { return "outcome" }
        if (row["actor"] as String) != columns.actor { return "actor" }
        if (row["source_ip"] as Data?).map(Array.init) != columns.sourceIP { return "source address" }
        let indexed = try Set(Row.fetchAll(subjects, arguments: [sequence]).map { AuditRecord.Columns.Subject(kind: $0["kind"], id: $0["id"]) })
        if indexed != columns.subjects { return "patients and studies" }
        return nil
    }
}

private extension Statement {
    static func subjects(_ db: Database) throws -> Statement {
        try db.makeStatement(sql: "SELECT kind, id FROM subject WHERE seq = ?")
    }
}
