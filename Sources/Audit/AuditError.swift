/// Why the audit log could not be opened, written or read. Writing is part of every access
/// (DESIGN.md rule 2), so each says what the operator must fix for access to resume.
public enum AuditError: Error, Sendable, CustomStringConvertible {
    case store(path: String, operation: String, underlying: String)
    /// A stored record that is not an audit event: the log was changed outside Rampart.
    case unreadableRecord(sequence: UInt64, underlying: String)
    case signingKey(path: String, problem: String)

    public var description: String {
        switch self {
        case let .store(path, operation, underlying):
            "the audit log \(path) could not \(operation): \(underlying); no access is allowed unrecorded, so check the disk and the file's owner"
        case let .unreadableRecord(sequence, underlying):
            "audit record \(sequence) cannot be read (\(underlying)): the log was changed outside Rampart; run rampart audit verify"
        case let .signingKey(path, problem):
            "the audit signing key \(path) \(problem)"
        }
    }
}
