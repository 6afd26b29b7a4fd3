import Logging
import NIOCore
import PostgresNIO

/// An `IndexTransaction` on a PostgreSQL connection inside a transaction that
/// `PostgresIndexDatabase` began.
///
/// A statement that reads rows runs as the connection's named prepared statement of its SQL
/// (`PreparedStatements`), its placeholders cast to the bound values' types. One that binds a
/// NULL (whose type the value cannot say) and one that only changes rows (the prepared path
/// does not return the count of rows changed) run unnamed, parsed and planned each time.
struct PostgresIndexTransaction: IndexTransaction {
    let connection: PostgresConnection
    let statements: PreparedStatements
    let logger: Logger

    var dialect: IndexDialect { .postgres }

    func fetchAll(_ sql: String, values: [IndexValue]) throws -> [IndexRow] {
        try rows(sql, values).map(Self.row)
    }

    func execute(_ sql: String, values: [IndexValue]) throws -> Int {
        try run(sql, values).metadata.rows ?? 0
    }

    /// Reads every row first: the connection carries one statement at a time, and `body` may
    /// run others.
    func forEachRow(_ sql: String, values: [IndexValue], _ body: (IndexRow) throws -> Bool) throws {
        for row in try rows(sql, values) {
            guard try body(Self.row(row)) else { return }
        }
    }

    private func rows(_ sql: String, _ values: [IndexValue]) throws -> [PostgresRow] {
        guard !values.contains(.null) else { return try run(sql, values).rows }
        let statement = try statements.statement(Self.typedSQL(sql, values), on: connection)
        return try statement.execute(values.map(Self.data)).wait()
    }

    private static func data(_ value: IndexValue) -> PostgresData {
        switch value {
        case .null: PostgresData(type: .null)
        case .integer(let number): PostgresData(int64: number)
        case .text(let text): PostgresData(string: text)
        case .blob(let bytes): PostgresData(bytes: bytes)
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
        placeholders(sql) { "$\($0)" }
    }

    /// As `numberedPlaceholders`, each cast to its value's type (`$1::int8`): what an unnamed
    /// statement declares with its bindings, said in the SQL of a statement prepared without them.
    static func typedSQL(_ sql: String, _ values: [IndexValue]) -> String {
        placeholders(sql) { number in
            let type = switch values[number - 1] {
            case .null: "text"  // PostgreSQL's type for an unknown literal
            case .integer: "int8"
            case .text: "text"
            case .blob: "bytea"
            }
            return "$\(number)::\(type)"
        }
    }

    private static func placeholders(_ sql: String, _ placeholder: (Int) -> String) -> String {
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
                result += placeholder(number)
            } else {
                result.append(character)
            }
        }
        return result
    }

    private static func row(_ row: PostgresRow) throws -> IndexRow {
        IndexRow(try row.map { cell -> (name: String, value: IndexValue) in
            guard cell.bytes != nil else { return (cell.columnName, .null) }
            // postgres-nio asks for every result column in binary, but labels those of a
            // statement made by `prepare(query:)` text (postgres-nio #303; fixed by #671, in a
            // release after the 1.33.2 this machine has).
            var cell = cell
            cell.format = .binary
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
