/// Why storage commitment action or event information cannot be used; the SCP answers the
/// N-ACTION-RQ with `status` (PS3.7 10.1.4.1.10) and the description as Error Comment.
public enum StorageCommitmentError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A Type 1 attribute (PS3.4 Table J.3-1) is absent or empty.
    case missingAttribute(String)
    /// An item of a Referenced or Failed SOP Sequence lacks a UID or has one that is not valid.
    case invalidItem(sequence: String, index: Int, why: String)
    /// A UID that is not one (PS3.5 9.1).
    case invalidUID(String, why: String)

    /// The N-ACTION-RSP status for this error: a missing attribute is 0120H, any other bad
    /// argument 0115H (PS3.7 Annex C).
    public var status: DIMSEStatus {
        switch self {
        case .missingAttribute: .missingAttribute
        case .invalidItem, .invalidUID: .invalidArgumentValue
        }
    }

    public var description: String {
        switch self {
        case let .missingAttribute(name): "\(name) is missing or empty: storage commitment requires it (PS3.4 J.3)"
        case let .invalidItem(sequence, index, why): "\(sequence) item \(index + 1): \(why)"
        case let .invalidUID(name, why): "\(name) is not a valid UID: \(why)"
        }
    }
}
