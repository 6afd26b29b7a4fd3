/// An action code of PS3.15 Table E.1-1, as the table writes it.
public enum ActionCode: String, Sendable, CaseIterable {
    case dummy = "D"
    case zero = "Z"
    case remove = "X"
    case keep = "K"
    case clean = "C"
    case uid = "U"
    case removeOrZero = "X/Z"
    case removeOrDummy = "X/D"
    case zeroOrDummy = "Z/D"
    case removeZeroOrDummy = "X/Z/D"
    case removeZeroOrUID = "X/Z/U*"

    /// The one action taken. A combined code lets the action depend on the attribute's type in the
    /// IOD (PS3.15 E.3: Type 1 → D, Type 2 → Z, Type 3 → X). Without IOD knowledge we take the
    /// strongest action that keeps any IOD valid: D when D is allowed (it satisfies Type 1, 2 and 3),
    /// else Z (satisfies Type 2 and 3), and U for X/Z/U* (the references stay, remapped).
    public var action: AttributeAction {
        switch self {
        case .dummy, .removeOrDummy, .zeroOrDummy, .removeZeroOrDummy: .dummy
        case .zero, .removeOrZero: .zero
        case .remove: .remove
        case .keep: .keep
        case .clean: .clean
        case .uid, .removeZeroOrUID: .remapUID
        }
    }
}
