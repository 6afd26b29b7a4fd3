/// What differs between the SQL of the two back ends, in one place. The rest of the index SQL
/// is the subset both accept: `INSERT … ON CONFLICT DO NOTHING RETURNING id` (SQLite 3.35+),
/// `rtrim(x, chars)`, `length`, `CAST(… AS BIGINT)`, and `1 = 1` rather than a bare `1` as a
/// condition (PostgreSQL wants a boolean).
enum IndexDialect: Sendable {
    case sqlite
    case postgres

    /// A case-sensitive wild card match of `column` against one bound pattern made by
    /// `wildcardPattern`.
    func wildcardCondition(_ column: String) -> String {
        switch self {
        case .sqlite: "\(column) GLOB ?"
        case .postgres: "\(column) LIKE ? ESCAPE '\\'"
        }
    }

    /// A DICOM wild card key ("*" any run, "?" one character) as a pattern for
    /// `wildcardCondition`. "?" widens to "any run": the matcher's "?" is one Swift character,
    /// the database's one code point; the matcher then decides.
    func wildcardPattern(_ value: String) -> String {
        let (any, escaped): (String, [Character: String]) = switch self {
        case .sqlite: ("*", ["[": "[[]"])
        case .postgres: ("%", ["%": "\\%", "_": "\\_", "\\": "\\\\"])
        }
        var pattern = ""
        var endsWithAny = false
        for character in value {
            switch character {
            case "*", "?":
                if !endsWithAny { pattern += any }
                endsWithAny = true
            default:
                pattern += escaped[character] ?? String(character)
                endsWithAny = false
            }
        }
        return pattern
    }

    /// True when the date `column` (qualified) holds no value or not eight digits: the matcher
    /// then decides. Both read a generated column with an index: as an expression, PostgreSQL's
    /// planner guesses that nearly every row qualifies and scans the table, 200 times slower at
    /// 50,000 studies, and SQLite cannot use an index for that arm of the OR at all, so it scans
    /// too (docs/scaling.md). PostgreSQL: a partial index (`PostgresIndexSchema`, v3); SQLite:
    /// an index on the column, which its OR optimization needs (`ArchiveIndex`, v5).
    func irregularDate(_ column: String) -> String {
        switch self {
        case .sqlite: "\(column)Irregular = 1"
        case .postgres: "\(column)Irregular"
        }
    }

    /// Appended to a SELECT that reads a row to rewrite it: PostgreSQL locks the row so that a
    /// store on another node cannot merge into it meanwhile (a lost update); SQLite has one
    /// writer at a time already.
    var forUpdate: String {
        switch self {
        case .sqlite: ""
        case .postgres: " FOR UPDATE"
        }
    }
}
