/// Which studies a grant reaches. A study an administrator restricted to an access group
/// (`rampart study restrict`) is left out of every answer and retrieval unless the grant opens its
/// group; a study without a group is never restricted by group. When the allowing roles set study
/// conditions (`StudyCondition`), a study must also be inside one of their `dataLimits`.
public struct StudyScope: Sendable, Hashable, CustomStringConvertible {
    /// The access groups this grant opens.
    public let openGroups: Set<String>
    /// Every group is open: the local operator, or an emergency access ("break the glass").
    public let opensEveryGroup: Bool
    /// The studies the allowing roles reach by their data, one limit per role: a study inside
    /// any of them is reached. nil: no role limits the data (one allowing role without study
    /// conditions is enough), so no study is left out for its data.
    public let dataLimits: [StudyDataLimit]?

    public init(openGroups: Set<String>, opensEveryGroup: Bool = false, dataLimits: [StudyDataLimit]? = nil) {
        self.openGroups = openGroups
        self.opensEveryGroup = opensEveryGroup
        self.dataLimits = dataLimits
    }

    /// Restricted studies stay closed.
    public static let unrestrictedStudiesOnly = StudyScope(openGroups: [])
    public static let everyStudy = StudyScope(openGroups: [], opensEveryGroup: true)

    /// Whether a study in `group` (nil: not restricted) is in scope, by its group alone.
    public func includes(group: String?) -> Bool {
        guard let group else { return true }
        return opensEveryGroup || openGroups.contains(group)
    }

    /// Why a study with `attributes` is outside the data limits, or nil when one of them (or none,
    /// when there are none) reaches it.
    public func dataExclusion(of attributes: StudyAttributes) -> String? {
        guard let dataLimits else { return nil }
        let exclusions = dataLimits.map { $0.exclusion(of: attributes) }
        guard !exclusions.contains(where: { $0 == nil }) else { return nil }
        return exclusions.compactMap { $0 }.joined(separator: "; ")
    }

    public var description: String {
        let groups = if opensEveryGroup { "every study" } else if openGroups.isEmpty { "unrestricted studies" } else {
            "unrestricted studies and groups \(openGroups.sorted().joined(separator: ", "))"
        }
        guard let dataLimits else { return groups }
        return groups + ", only those " + dataLimits.map(\.description).joined(separator: ", or those ")
    }
}
