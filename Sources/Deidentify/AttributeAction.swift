/// What de-identification does to one attribute (PS3.15 E.1.1).
public enum AttributeAction: Sendable, Hashable {
    /// D: a dummy value valid for the VR (a sequence keeps its items, de-identified).
    case dummy
    /// Z: zero length (a sequence with no items).
    case zero
    /// X: removed.
    case remove
    /// K: kept (a sequence's items are still de-identified).
    case keep
    /// C: cleaned. Text becomes a dummy, dates are shifted, sequences are recursed.
    case clean
    /// U: a UID remapped under the project key; in a sequence, its items are de-identified.
    case remapUID
}
