import Access
import DICOM
import DICOMNetwork
import Foundation
import Testing
@testable import Archive

/// Relational queries (PS3.4 C.4.1.2.2) against the archive give what the in-memory reference
/// gives over the same objects, also where the instances of one entity disagree on a key, and
/// the SQL narrows on the keys of the levels above the query's.
@Suite struct ArchiveRelationalQueryTests {
    typealias Case = ArchiveQueryTests.QueryCase
    private typealias Q = ArchiveQueryTests
    static let seriesDescription = DICOM.Tag(0x0008, 0x103E)

    /// The fixtures, plus objects whose entities disagree with themselves: Richard Roe's second
    /// study says female (his first says male), and one instance of Jane Doe's CT series says OT.
    static let instances: [ArchiveFixtures.Instance] = ArchiveFixtures.instances + [
        ArchiveFixtures.Instance(patientID: "PAT2", patientName: "ROE^RICHARD", birthDate: "19601130", sex: "F",
                                 study: "1.2.826.0.2.2", studyDate: "20240401", accession: "B78", studyDescription: "Pelvis MR",
                                 series: "1.2.826.0.2.2.1", modality: "MR", seriesNumber: "1", sop: "1.2.826.0.2.2.1.1",
                                 sopClass: ArchiveFixtures.mrImage, instanceNumber: "1"),
        ArchiveFixtures.Instance(patientID: "PAT1", patientName: "DOE^JANE", birthDate: "19750412", sex: "F",
                                 study: "1.2.826.0.1.1", studyDate: "20240105", accession: "ACC1", studyDescription: "Chest CT",
                                 series: "1.2.826.0.1.1.1", modality: "OT", seriesNumber: "1", sop: "1.2.826.0.1.1.1.3",
                                 sopClass: ArchiveFixtures.ctImage, instanceNumber: "3"),
    ]

    static let cases: [Case] = [
        Case(name: "images by patient name and modality", level: "IMAGE", model: .patientRoot,
             keys: [(Q.patientName, .PN, "DOE^JANE"), (Q.modality, .CS, "CT"), (Q.sopUID, .UI, "")]),
        Case(name: "images by patient sex and modality", level: "IMAGE", model: .patientRoot,
             keys: [(Q.sex, .CS, "F"), (Q.modality, .CS, "MR"), (Q.sopUID, .UI, ""), (Q.patientID, .LO, "")]),
        Case(name: "studies by patient sex", level: "STUDY", model: .patientRoot, keys: [(Q.sex, .CS, "F"), (Q.studyUID, .UI, "")]),
        Case(name: "series by birth date and study description", level: "SERIES", model: .studyRoot,
             keys: [(Q.birthDate, .DA, "19700101-19801231"), (Q.description, .LO, "*CT"), (Q.seriesUID, .UI, "")]),
        Case(name: "images by study date range and modality", level: "IMAGE", model: .studyRoot,
             keys: [(Q.studyDate, .DA, "20240101-"), (Q.modality, .CS, "CT"), (Q.sopUID, .UI, ""), (Q.studyInstances, .IS, "")]),
        Case(name: "series by accession and modality", level: "SERIES", model: .patientRoot,
             keys: [(Q.accession, .SH, "ACC1"), (Q.modality, .CS, "MR"), (Q.seriesInstances, .IS, "")]),
        Case(name: "images of a disagreeing series", level: "IMAGE", model: .patientRoot, keys: [(Q.modality, .CS, "OT")]),
        Case(name: "images by series description wild card", level: "IMAGE", model: .studyRoot,
             keys: [(seriesDescription, .LO, "Series ?"), (Q.patientID, .LO, "PAT2"), (Q.instanceNumber, .IS, "")]),
    ]

    static let relational = QueryMatchingOptions(relational: true)

    @Test(arguments: IndexBackend.allForTests, cases)
    func relationalFindEqualsInMemoryReference(_ backend: IndexBackend, _ queryCase: Case) async throws {
        let fixtures = try ArchiveFixtures(backend: backend)
        defer { fixtures.remove() }
        let archive = try await Self.filledArchive(fixtures)
        let query = try ArchiveFixtures.query(queryCase.level, queryCase.model, queryCase.keys, options: Self.relational)
        let expected = ArchiveFixtures.referenceIndex(Self.instances).find(query).map { query.response(for: $0) }
        #expect(!expected.isEmpty)
        #expect(try archive.find(query, grant: try await ArchiveFixtures.grant(.query)) == expected)
    }

    @Test func theSameKeysAreRefusedWithoutRelationalQueries() {
        for queryCase in Self.cases.prefix(2) {
            #expect(throws: QueryIdentifierError.self) { try ArchiveFixtures.query(queryCase.level, queryCase.model, queryCase.keys) }
        }
    }

    @Test func upperLevelKeysNarrowOnTheParentRows() throws {
        let query = try ArchiveFixtures.query("IMAGE", .patientRoot, [(Q.sex, .CS, "F"), (Q.modality, .CS, "MR"),
                                                                      (Q.studyDate, .DA, "20240101-20241231")], options: Self.relational)
        let plan = QueryPlan(query, studies: .everyStudy, dialect: .sqlite)
        #expect(plan.sql.contains("p.patientSex = ?"))
        #expect(plan.sql.contains("se.modality = ?"))
        #expect(plan.sql.contains("st.studyDate BETWEEN ? AND ?"))
        #expect(plan.values == ["20240101", "20241231", "MR", "F"].map(\.indexValue))   // in tag order
    }

    @Test(arguments: IndexBackend.allForTests)
    func columnsHoldTheValueTheInstancesAgreeOn(_ backend: IndexBackend) async throws {
        let fixtures = try ArchiveFixtures(backend: backend)
        defer { fixtures.remove() }
        let archive = try await Self.filledArchive(fixtures)
        let (sexes, modalities) = try archive.index.read("test") { db in
            (try [String: String?](uniqueKeysWithValues: db.fetchAll("SELECT patientKey, patientSex FROM patient")
                .map { (try $0.requiredText("patientKey"), try $0.text("patientSex")) }),
             try [String: String?](uniqueKeysWithValues: db.fetchAll("SELECT seriesInstanceUID, modality FROM series")
                .map { (try $0.requiredText("seriesInstanceUID"), try $0.text("modality")) }))
        }
        #expect(sexes == ["PAT1": "F", "PAT2": nil, "PAT3": "M"])
        #expect(modalities["1.2.826.0.1.1.1"] == .some(nil))
        #expect(modalities["1.2.826.0.1.1.2"] == "MR")
    }

    @Test func openingAnOlderIndexRecomputesTheColumns() async throws {
        let fixtures = try ArchiveFixtures()
        defer { fixtures.remove() }
        do {
            let archive = try await Self.filledArchive(fixtures)
            // What v1 kept: the merged record's value, which one of the patient's studies contradicts.
            try archive.index.write("test") { db in
                try db.execute("UPDATE patient SET patientSex = 'M' WHERE patientKey = 'PAT2'")
                try db.execute("DELETE FROM grdb_migrations WHERE identifier = 'v2-agreed-columns'")
            }
        }
        let reopened = try fixtures.archive()
        let sex = try reopened.index.read("test") { db in
            try db.fetchOne("SELECT patientSex FROM patient WHERE patientKey = 'PAT2'")?.text("patientSex")
        }
        #expect(sex == nil)
        let query = try ArchiveFixtures.query("STUDY", .patientRoot, [(Q.sex, .CS, "F"), (Q.studyUID, .UI, "")], options: Self.relational)
        #expect(try reopened.find(query, grant: try await ArchiveFixtures.grant(.query)).count == 3)
    }

    static func filledArchive(_ fixtures: ArchiveFixtures) async throws -> Archive {
        let archive = try fixtures.archive()
        let grant = try await ArchiveFixtures.grant(.store)
        for (index, instance) in instances.enumerated() {
            let path = try fixtures.write(ArchiveFixtures.dataSet(instance), name: "in-\(index)")
            guard case .stored = try await archive.store(file: path, moving: false, grant: grant) else {
                Issue.record("fixture \(index) not stored")
                continue
            }
        }
        return archive
    }
}
