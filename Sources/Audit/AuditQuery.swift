import Foundation
import GRDB

/// Which events to read: every criterion given must hold. Each is answered from an index.
public struct AuditQuery: Sendable, Hashable {
    public var patientID: String?
    public var studyUID: String?
    /// A user or service name, or an AE title.
    public var actor: String?
    public var from: Date?
    /// Exclusive.
    public var to: Date?
    /// The source addresses, such as a network (CIDR).
    public var sourceRange: AuditAddressRange?
    public var outcome: AuditOutcome?
    public var kind: AuditEventKind?
    /// At most this many, the newest.
    public var limit: Int

    public init(patientID: String? = nil, studyUID: String? = nil, actor: String? = nil, from: Date? = nil, to: Date? = nil,
                sourceRange: AuditAddressRange? = nil, outcome: AuditOutcome? = nil, kind: AuditEventKind? = nil,
                limit: Int = 1000) {
        self.patientID = patientID
        self.studyUID = studyUID
        self.actor = actor
        self.from = from
        self.to = to
        self.sourceRange = sourceRange
        self.outcome = outcome
        self.kind = kind
        self.limit = limit
    }

    /// Newest first, so LIMIT keeps the newest; the store turns them oldest first.
    func sql() -> (String, StatementArguments) {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let patientID {
            conditions.append("seq IN (SELECT seq FROM subject WHERE kind = 'patient' AND id = ?)")
            arguments += [patientID]
        }
        if let studyUID {
            conditions.append("seq IN (SELECT seq FROM subject WHERE kind = 'study' AND id = ?)")
            arguments += [studyUID]
        }
        if let actor {
            conditions.append("actor = ?")
            arguments += [actor]
        }
        if let from {
            conditions.append("time >= ?")
            arguments += [AuditRecord.microseconds(from)]
        }
        if let to {
            conditions.append("time < ?")
            arguments += [AuditRecord.microseconds(to)]
        }
        if let sourceRange {
            conditions.append("source_ip BETWEEN ? AND ?")
            arguments += [Data(sourceRange.lower), Data(sourceRange.upper)]
        }
        if let outcome {
            conditions.append("outcome = ?")
            arguments += [outcome.rawValue]
        }
        if let kind {
            conditions.append("kind = ?")
            arguments += [kind.rawValue]
        }
        let clause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        arguments += [max(0, limit)]
        return ("SELECT seq, record FROM event\(clause) ORDER BY seq DESC LIMIT ?", arguments)
    }
}

/// The addresses from `lower` to `upper`, 16 bytes each (IPv4 as `AuditSource.sixteenBytes`).
public struct AuditAddressRange: Sendable, Hashable {
    public let lower: [UInt8]
    public let upper: [UInt8]

    public init(lower: [UInt8], upper: [UInt8]) {
        self.lower = AuditSource.sixteenBytes(lower)
        self.upper = AuditSource.sixteenBytes(upper)
    }
}
