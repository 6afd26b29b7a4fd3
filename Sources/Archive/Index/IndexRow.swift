/// One row a statement returned, its columns by name. Names are lowercased: PostgreSQL folds
/// unquoted identifiers, SQLite keeps them as written, and the index SQL never quotes them.
struct IndexRow: Sendable {
    private let values: [String: IndexValue]

    init(_ columns: [(name: String, value: IndexValue)]) {
        values = Dictionary(columns.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    subscript(_ name: String) -> IndexValue {
        values[name.lowercased()] ?? .null
    }

    /// The text of a column, nil when it is NULL.
    func text(_ name: String) throws(IndexRowError) -> String? {
        switch self[name] {
        case .null: nil
        case .text(let text): text
        case .integer(let number): String(number)
        case .blob: throw IndexRowError(column: name, expected: "text")
        }
    }

    func integer(_ name: String) throws(IndexRowError) -> Int64? {
        switch self[name] {
        case .null: nil
        case .integer(let number): number
        case .text, .blob: throw IndexRowError(column: name, expected: "an integer")
        }
    }

    func bytes(_ name: String) throws(IndexRowError) -> [UInt8]? {
        switch self[name] {
        case .null: nil
        case .blob(let bytes): bytes
        case .text(let text): Array(text.utf8)
        case .integer: throw IndexRowError(column: name, expected: "bytes")
        }
    }

    /// A column the schema declares NOT NULL (or a count).
    func requiredText(_ name: String) throws(IndexRowError) -> String {
        guard let text = try text(name) else { throw IndexRowError(column: name, expected: "text, not NULL") }
        return text
    }

    func requiredInteger(_ name: String) throws(IndexRowError) -> Int64 {
        guard let number = try integer(name) else { throw IndexRowError(column: name, expected: "an integer, not NULL") }
        return number
    }
}

/// A column of an index row holds what the schema does not allow: the index was changed
/// outside Rampart, or the schema and the code disagree.
struct IndexRowError: Error, CustomStringConvertible {
    let column: String
    let expected: String

    var description: String {
        "index column \(column) does not hold \(expected): was the index changed outside Rampart? Restore it from a backup"
    }
}
