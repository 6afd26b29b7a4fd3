import DICOM
import DICOMNetwork
import Testing
@testable import Archive

/// The SQL narrows on indexed keys, binds every value, and never carries input in its text.
@Suite struct QueryPlanTests {
    @Test func hostileTextIsBoundNeverSpliced() throws {
        let hostile = "x' OR 1=1 --"
        let query = try ArchiveFixtures.query("PATIENT", .patientRoot, [(DICOM.Tag(0x0010, 0x0020), .LO, hostile)])
        let plan = QueryPlan(query, studies: .everyStudy, dialect: .sqlite)
        #expect(!plan.sql.contains(hostile))
        #expect(!plan.sql.contains("1=1"))
        #expect(plan.sql.contains("p.patientID = ?"))
        #expect(plan.values == [.text(hostile)])
    }

    @Test func uidListBecomesInWithOneParameterEach() throws {
        let query = try ArchiveFixtures.query("STUDY", .studyRoot, [(DICOM.Tag(0x0020, 0x000D), .UI, "1.2.3\\1.2.4")])
        let plan = QueryPlan(query, studies: .everyStudy, dialect: .sqlite)
        #expect(plan.sql.contains("st.studyInstanceUID IN (?, ?)"))
        #expect(plan.values == [.text("1.2.3"), .text("1.2.4")])
    }

    @Test func wildcardBecomesEscapedGlobWithQuestionMarkWidened() {
        #expect(IndexDialect.sqlite.wildcardPattern("DOE*") == "DOE*")
        #expect(IndexDialect.sqlite.wildcardPattern("P?T[1]**") == "P*T[[]1]*")
    }

    @Test func wildcardBecomesEscapedLikeOnPostgreSQL() {
        #expect(IndexDialect.postgres.wildcardPattern("DOE*") == "DOE%")
        #expect(IndexDialect.postgres.wildcardPattern("P?T_1%\\**") == "P%T\\_1\\%\\\\%")
        #expect(IndexDialect.postgres.wildcardCondition("p.patientID") == "p.patientID LIKE ? ESCAPE '\\'")
    }

    @Test func placeholdersAreNumberedOutsideQuotedText() {
        #expect(PostgresIndexTransaction.numberedPlaceholders("SELECT '?' AS \"a?\" WHERE x = ? AND y LIKE ? ESCAPE '\\'")
                == "SELECT '?' AS \"a?\" WHERE x = $1 AND y LIKE $2 ESCAPE '\\'")
    }

    @Test func dateRangesBecomeInclusiveBounds() {
        #expect(QueryPlan.dateRange("20240101-20241231")! == ("20240101", "20241231"))
        #expect(QueryPlan.dateRange("-20240101")! == ("00000000", "20240101"))
        #expect(QueryPlan.dateRange("20240101")! == ("20240101", "20240101"))
        #expect(QueryPlan.dateRange("2024-01-01") == nil)
        #expect(QueryPlan.dateRange("2024' OR 1=1") == nil)
    }

    @Test func personNamesAreLeftToTheMatcher() throws {
        // PN matching normalises and ignores case; SQL equality would drop true matches.
        let query = try ArchiveFixtures.query("PATIENT", .patientRoot, [(DICOM.Tag(0x0010, 0x0010), .PN, "doe^jane")])
        #expect(!QueryPlan(query, studies: .everyStudy, dialect: .sqlite).sql.contains("WHERE"))
    }
}
