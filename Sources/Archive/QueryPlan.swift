import Access
import DICOM
import DICOMNetwork

/// The SQL that narrows a query to candidate entities before `QueryIdentifier.matches` decides.
///
/// The SQL must never drop an entity the matcher would accept, so it only narrows where its
/// semantics are a superset of PS3.4 C.2.2.2 as the matcher applies them:
/// - a UID or UID list (List of UID Matching) → `IN`;
/// - one ASCII value of LO, SH or CS → `=`, or with wild cards → a case-sensitive pattern match
///   (`IndexDialect.wildcardCondition`; "?" is widened to "*");
/// - one DA value or range of eight-digit dates → `BETWEEN` (DA is compared as a local day);
/// - a column that is NULL or empty (no value, several values, unreadable, or instances that
///   disagree) always passes, as Required Keys match unknown values (C.2.2.1.2) and the matcher
///   reads every value.
/// A column narrows at its own level and, since it holds the value every instance under its
/// entity agrees on (`ArchiveIndex.agreed`), at the levels below: the keys of upper levels that
/// relational queries carry (PS3.4 C.4.1.2.2) narrow on the parent rows the query joins.
/// Person names (but prefix-like wild cards, `IndexColumn.Kind.personName`), times, numbers,
/// multiple key values, non-ASCII keys and sequences are left to the matcher. Every value is a bound parameter; column names come from `IndexColumn` alone.
struct QueryPlan {
    let sql: String
    let values: [IndexValue]

    /// Selects `entityID` and `attributes` of the entities at the query's level that `studies`
    /// reaches, in the order they were first stored.
    init(_ query: QueryIdentifier, studies: StudyScope, dialect: IndexDialect) {
        let level = query.level
        var conditions: [String] = []
        var values: [IndexValue] = []
        for key in query.keys {
            guard let column = IndexColumn.all.first(where: { $0.tag == key.tag }),
                  let condition = Self.condition(for: key, column: column, query: query, dialect: dialect, values: &values)
            else { continue }
            conditions.append(condition)
        }
        if let (scope, groups) = studies.sqlCondition(level: level) {
            conditions.append(scope)
            values.append(contentsOf: groups.map(\.indexValue))
        }
        let (entity, from) = Self.from(level)
        sql = "SELECT \(entity).id AS entityID, \(entity).attributes AS attributes \(from)"
            + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            + " ORDER BY \(entity).id"
        self.values = values
    }

    /// The entity alias and FROM clause of a level; parents are joined so their keys can narrow.
    static func from(_ level: QueryRetrieveLevel) -> (String, String) {
        let study = "JOIN patient p ON p.id = st.patientRowID"
        let series = "JOIN study st ON st.id = se.studyRowID " + study
        switch level {
        case .patient: return ("p", "FROM patient p")
        case .study: return ("st", "FROM study st " + study)
        case .series: return ("se", "FROM series se " + series)
        case .image: return ("i", "FROM instance i JOIN series se ON se.id = i.seriesRowID " + series)
        }
    }

    private static func condition(for key: DataElement, column: IndexColumn, query: QueryIdentifier, dialect: IndexDialect,
                                  values: inout [IndexValue]) -> String? {
        guard column.level <= query.level else { return nil }
        // Patient ID files the patient: below PATIENT level it narrows on the patient's key.
        let isPatientIDBelowPatient = column.tag == ArchiveTag.patientID && query.level > .patient
        guard case .bytes = key.value,
              let keyValues = AttributeText.values(of: key, characterSet: query.characterSet)?.filter({ !$0.isEmpty }),
              !keyValues.isEmpty,
              // Empty Value Matching ("\"\"") and anything quoted: the matcher's business.
              !keyValues.contains(where: { $0.contains("\"") })
        else { return nil }
        let unknown = "\(column.qualified) IS NULL OR \(column.qualified) = ''"

        switch column.kind {
        case .stored:
            return nil
        case .personName:
            // A superset of PN matching (`PersonNameText`: spaces around components and trailing
            // empty components are insignificant; case is ignored by default; a key of one group
            // is compared with each group) only for a key of ASCII characters without "^", "="
            // or spaces that ends with "*": then no normalisation can make a value match that
            // its lower-cased, left-trimmed text does not. Names that are not plain ASCII, with
            // several groups, empty or not agreed on are NULL or empty in the folded column:
            // always candidates.
            guard keyValues.count == 1, let value = keyValues.first, value.hasSuffix("*"),
                  value.unicodeScalars.allSatisfy({ $0.isASCII && $0 != "^" && $0 != "=" && $0 != " " && $0 != "\\" }),
                  value.contains(where: { $0 != "*" && $0 != "?" })
            else { return nil }
            let folded = column.qualified + "Folded"
            values.append(dialect.wildcardPattern(value.lowercased()).indexValue)
            return "(\(dialect.wildcardCondition(folded)) OR \(folded) IS NULL OR \(folded) = '')"
        case .uid:
            // SQLite binds at most 32766 parameters; a longer list is left to the matcher.
            guard keyValues.count <= 1000 else { return nil }
            values.append(contentsOf: keyValues.map(\.indexValue))
            let marks = Array(repeating: "?", count: keyValues.count).joined(separator: ", ")
            return "(\(column.qualified) IN (\(marks)) OR \(unknown))"
        case .text:
            guard keyValues.count == 1, let value = keyValues.first, value.unicodeScalars.allSatisfy(\.isASCII) else { return nil }
            if isPatientIDBelowPatient {
                // The patient row's key is the first Patient ID value of its instances; a patient
                // whose instances carry several values is always a candidate.
                guard !value.contains("*"), !value.contains("?") else { return nil }
                values.append(value.indexValue)
                return "(p.patientKey = ? OR p.patientIDVaries = 1 OR p.patientKey = '')"
            }
            if value.contains("*") || value.contains("?") {
                guard value.contains(where: { $0 != "*" && $0 != "?" }) else { return nil }
                values.append(dialect.wildcardPattern(value).indexValue)
                return "(\(dialect.wildcardCondition(column.qualified)) OR \(unknown))"
            }
            values.append(value.indexValue)
            return "(\(column.qualified) = ? OR \(unknown))"
        case .date:
            guard !query.options.combinedDateTime, keyValues.count == 1, let (low, high) = dateRange(keyValues[0]) else { return nil }
            values.append(low.indexValue)
            values.append(high.indexValue)
            return "(\(column.qualified) BETWEEN ? AND ? OR \(dialect.irregularDate(column.qualified)))"
        }
    }

    /// "D", "D-", "-D" or "D1-D2" with eight-digit dates, as inclusive string bounds.
    static func dateRange(_ value: String) -> (String, String)? {
        func isDate(_ text: Substring) -> Bool { text.count == 8 && text.allSatisfy { $0.isASCII && $0.isNumber } }
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        switch parts.count {
        case 1 where isDate(parts[0]):
            return (String(parts[0]), String(parts[0]))
        case 2:
            let low = parts[0], high = parts[1]
            guard (low.isEmpty || isDate(low)), (high.isEmpty || isDate(high)), !(low.isEmpty && high.isEmpty) else { return nil }
            return (low.isEmpty ? "00000000" : String(low), high.isEmpty ? "99999999" : String(high))
        default:
            return nil
        }
    }
}
