/// What `Archive.store` does with an object whose SOP Instance UID is already archived.
public enum DuplicatePolicy: String, Sendable, Hashable, CaseIterable {
    /// Keep the archived object and ignore the new one; the store still succeeds (a modality
    /// that resends after a lost response must not see a failure).
    case keep
    /// Replace the archived object and its index entry with the new one.
    case replace
    /// Refuse the new object: `StoreOutcome.rejected(.duplicate)`.
    case reject
}
