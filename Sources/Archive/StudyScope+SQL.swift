import Access
import DICOMNetwork

extension StudyScope {
    /// The SQL condition that keeps the studies in scope, on the study table aliased `alias`, and
    /// its arguments; nil when every study is in scope. Conditions are booleans (`1 = 0`, not
    /// `0`): PostgreSQL takes no integer for one. Group names, institution names and
    /// person names are bound, never spliced. A NULL column (instances that disagree, or have no
    /// value) is outside any limit that reads it, as in `StudyDataLimit.exclusion(of:)`.
    func sqlCondition(study alias: String) -> (sql: String, arguments: [String])? {
        var conditions: [String] = []
        var arguments: [String] = []
        if !opensEveryGroup {
            let groups = openGroups.sorted()
            if groups.isEmpty {
                conditions.append("\(alias).accessGroup IS NULL")
            } else {
                conditions.append("(\(alias).accessGroup IS NULL OR \(alias).accessGroup IN (\(Self.marks(groups.count))))")
                arguments += groups
            }
        }
        if let dataLimits {
            let limits = dataLimits.map { limit -> String in
                var parts: [String] = []
                if let institutions = limit.institutions?.sorted() {
                    parts.append(institutions.isEmpty ? "1 = 0" : "\(alias).institutionName IN (\(Self.marks(institutions.count)))")
                    arguments += institutions
                }
                if let physician = limit.referringPhysician {
                    // PersonNameKey's trimming, in SQL.
                    parts.append("rtrim(\(alias).referringPhysicianName, '^= ') = ?")
                    arguments.append(physician.value)
                }
                return parts.isEmpty ? "1 = 1" : "(" + parts.joined(separator: " AND ") + ")"
            }
            conditions.append(limits.isEmpty ? "1 = 0" : "(" + limits.joined(separator: " OR ") + ")")
        }
        return conditions.isEmpty ? nil : (conditions.joined(separator: " AND "), arguments)
    }

    private static func marks(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    /// `sqlCondition(study:)` as a filter that always applies: true when every study is in scope.
    func sqlFilter(study alias: String) -> (sql: String, arguments: [String]) {
        sqlCondition(study: alias) ?? ("1 = 1", [])
    }

    /// The condition on an entity of `level` (aliased as `QueryPlan.from` does): a patient is in
    /// scope when one of its studies is.
    func sqlCondition(level: QueryRetrieveLevel) -> (sql: String, arguments: [String])? {
        guard level == .patient else { return sqlCondition(study: "st") }
        guard let (condition, arguments) = sqlCondition(study: "scoped") else { return nil }
        return ("EXISTS (SELECT 1 FROM study scoped WHERE scoped.patientRowID = p.id AND \(condition))", arguments)
    }
}
