/// What the archive holds of one referenced instance, for storage commitment (PS3.4 J.3.3).
public enum InstancePresence: Sendable, Hashable {
    /// Indexed as the referenced SOP class, its file in the blob store.
    case present
    /// No instance with that SOP Instance UID (or the UID is not a valid one).
    case absent
    /// Indexed, but as another SOP class.
    case otherClass(archived: String)
    /// Indexed, but its file is gone: the archive cannot vouch for it.
    case fileMissing
}
