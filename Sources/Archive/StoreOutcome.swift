/// What `Archive.store` did. Only `.stored`, `.replaced` and `.duplicateKept` may be answered
/// with success: for these the object and its index entry are durable.
public enum StoreOutcome: Sendable, Hashable {
    case stored(StoredInstance)
    /// The SOP Instance UID was archived and the policy is `keep`: the archived object stays.
    case duplicateKept(StoredInstance)
    case replaced(StoredInstance)
    case rejected(StoreRejection)

    public var isSuccess: Bool {
        if case .rejected = self { return false }
        return true
    }
}
