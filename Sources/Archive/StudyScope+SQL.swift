import Access
import DICOMNetwork
import GRDB

extension StudyScope {
    /// The SQL condition that keeps the studies in scope, on the study table aliased `alias`, and
    /// its arguments; nil when every study is in scope. Group names are bound, never spliced.
    func sqlCondition(study alias: String) -> (sql: String, arguments: [String])? {
        guard !opensEveryGroup else { return nil }
        let groups = openGroups.sorted()
        guard !groups.isEmpty else { return ("\(alias).accessGroup IS NULL", []) }
        let marks = Array(repeating: "?", count: groups.count).joined(separator: ", ")
        return ("(\(alias).accessGroup IS NULL OR \(alias).accessGroup IN (\(marks)))", groups)
    }

    /// `sqlCondition(study:)` as a filter that always applies: true when every study is in scope.
    func sqlFilter(study alias: String) -> (sql: String, arguments: [String]) {
        sqlCondition(study: alias) ?? ("1", [])
    }

    /// The condition on an entity of `level` (aliased as `QueryPlan.from` does): a patient is in
    /// scope when one of its studies is.
    func sqlCondition(level: QueryRetrieveLevel) -> (sql: String, arguments: [String])? {
        guard level == .patient else { return sqlCondition(study: "st") }
        guard let (condition, arguments) = sqlCondition(study: "scoped") else { return nil }
        return ("EXISTS (SELECT 1 FROM study scoped WHERE scoped.patientRowID = p.id AND \(condition))", arguments)
    }
}
