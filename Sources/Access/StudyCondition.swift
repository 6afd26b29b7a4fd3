/// A condition on the data a role reaches, where `AccessCondition` is one on the context: the
/// role allows its actions on the studies for which every one of its study conditions holds, and
/// the archive leaves the other studies out of every answer and retrieval (`StudyDataLimit`).
public enum StudyCondition: Sendable, Hashable, CustomStringConvertible {
    /// Institution Name (0008,0080) is one of these values, exactly.
    case institutions(Set<String>)
    /// Referring Physician's Name (0008,0090) is the principal's own person name
    /// (`AccessContext.personName`).
    case referredByPrincipal

    public var description: String {
        switch self {
        case let .institutions(names): "of institution \(names.sorted().map { "\"\($0)\"" }.joined(separator: " or "))"
        case .referredByPrincipal: "referred by the principal"
        }
    }
}
