import Logging
import NIOCore
import PostgresNIO

/// An `IndexTransaction` on a PostgreSQL connection inside a transaction that
/// `PostgresIndexDatabase` began.
struct PostgresIndexTransaction: IndexTransaction {
    let connection: PostgresConnection
    let logger: Logger

    var dialect: IndexDialect { .postgres }

    func fetchAll(_ sql: String, values: [IndexValue]) throws -> [IndexRow] {
        try run(sql, values).rows.map(Self.row)
    }

    func execute(_ sql: String, values: [IndexValue]) throws -> Int {
        try run(sql, values).metadata.rows ?? 0
    }

    /// Reads every row first: the connection carries one statement at a time, and `body` may
    /// run others.
    func forEachRow(_ sql: String, values: [IndexValue], _ body: (IndexRow) throws -> Bool) throws {
        for row in try run(sql, values).rows {
            guard try body(Self.row(row)) else { return }
        }
    }

    private func run(_ sql: String, _ values: [IndexValue]) throws -> PostgresQueryResult {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .null: bindings.appendNull()
            case .integer(let number): bindings.append(number)
            case .text(let text): bindings.append(text)
            case .blob(let bytes): bindings.append(ByteBuffer(bytes: bytes))
            }
        }
        return try connection.query(PostgresQuery(unsafeSQL: Self.numberedPlaceholders(sql), binds: bindings), logger: logger).wait()
    }

    /// The index SQL's `?` placeholders as PostgreSQL's `$1`, `$2`…, leaving quoted literals
    /// and identifiers alone (standard strings: a quote is doubled, a backslash is a character).
    static func numberedPlaceholders(_ sql: String) -> String {
        var result = ""
        var number = 0
        var quote: Character?
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
                result.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                result.append(character)
            } else if character == "?" {
                number += 1
                result += "$\(number)"
            } else {
                result.append(character)
            }
        }
        return result
    }

    private static func row(_ row: PostgresRow) throws -> IndexRow {
        IndexRow(try row.map { cell -> (name: String, value: IndexValue) in
            guard cell.bytes != nil else { return (cell.columnName, .null) }
            let value: IndexValue = switch cell.dataType {
            case .int2, .int4, .int8: .integer(try cell.decode(Int64.self))
            case .bool: .integer(try cell.decode(Bool.self) ? 1 : 0)
            case .bytea: .blob(Array(buffer: try cell.decode(ByteBuffer.self)))
            default: .text(try cell.decode(String.self))
            }
            return (cell.columnName, value)
        })
    }
}
