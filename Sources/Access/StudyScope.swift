/// Which restricted studies a grant reaches. A study an administrator restricted to an access
/// group (`rampart study restrict`) is left out of every answer and retrieval unless the grant
/// opens its group; a study without a group is never restricted.
public struct StudyScope: Sendable, Hashable, CustomStringConvertible {
    /// The access groups this grant opens.
    public let openGroups: Set<String>
    /// Every group is open: the local operator, or an emergency access ("break the glass").
    public let opensEveryGroup: Bool

    public init(openGroups: Set<String>, opensEveryGroup: Bool = false) {
        self.openGroups = openGroups
        self.opensEveryGroup = opensEveryGroup
    }

    /// Restricted studies stay closed.
    public static let unrestrictedStudiesOnly = StudyScope(openGroups: [])
    public static let everyStudy = StudyScope(openGroups: [], opensEveryGroup: true)

    /// Whether a study in `group` (nil: not restricted) is in scope.
    public func includes(group: String?) -> Bool {
        guard let group else { return true }
        return opensEveryGroup || openGroups.contains(group)
    }

    public var description: String {
        if opensEveryGroup { return "every study" }
        return openGroups.isEmpty ? "unrestricted studies" : "unrestricted studies and groups \(openGroups.sorted().joined(separator: ", "))"
    }
}
