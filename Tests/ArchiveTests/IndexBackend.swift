import Foundation
import Testing
@testable import Archive

/// The index back ends the shared index suites run on: the embedded SQLite always, PostgreSQL
/// when RAMPART_TEST_POSTGRES names a server (`make test` starts one: Scripts/test-postgres.sh).
enum IndexBackend: String, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    static let postgresURL = ProcessInfo.processInfo.environment["RAMPART_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }

    static let allForTests: [IndexBackend] = postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]

    var testDescription: String { rawValue }

    /// Where an archive of this back end keeps its index: for PostgreSQL a schema of its own,
    /// so that every test starts from an empty index.
    func location(schema: String) throws -> IndexLocation {
        switch self {
        case .sqlite: return .embedded
        case .postgres:
            let url = try #require(Self.postgresURL, "RAMPART_TEST_POSTGRES is unset")
            return .postgres(try PostgresIndexLocation(url: url + (url.contains("?") ? "&" : "?") + "schema=" + schema, password: nil))
        }
    }
}

/// Says, in every run's output, when the PostgreSQL cases are left out.
@Suite struct IndexBackendTests {
    @Test(.disabled(if: IndexBackend.postgresURL == nil,
                    "RAMPART_TEST_POSTGRES is unset: the index suites ran on SQLite only (start one with Scripts/test-postgres.sh start)"))
    func postgresCasesRun() {
        #expect(IndexBackend.allForTests.contains(.postgres))
    }
}
