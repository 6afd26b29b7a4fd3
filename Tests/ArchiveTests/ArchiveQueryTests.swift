import Access
import DICOM
import DICOMNetwork
import Foundation
import Testing
@testable import Archive

/// The archive answers every query as the in-memory reference `InstanceIndex` does over the same
/// objects: the same responses in the same order, computed attributes included.
@Suite struct ArchiveQueryTests {
    struct QueryCase: Sendable, CustomTestStringConvertible {
        let name: String
        let level: String
        let model: QueryRetrieveModel
        let keys: [(DICOM.Tag, VR, String)]
        var testDescription: String { name }
    }

    static let patientName = DICOM.Tag(0x0010, 0x0010), patientID = DICOM.Tag(0x0010, 0x0020), birthDate = DICOM.Tag(0x0010, 0x0030)
    static let sex = DICOM.Tag(0x0010, 0x0040), studyUID = DICOM.Tag(0x0020, 0x000D), seriesUID = DICOM.Tag(0x0020, 0x000E)
    static let sopUID = DICOM.Tag(0x0008, 0x0018), sopClass = DICOM.Tag(0x0008, 0x0016), studyDate = DICOM.Tag(0x0008, 0x0020)
    static let accession = DICOM.Tag(0x0008, 0x0050), modality = DICOM.Tag(0x0008, 0x0060), modalities = DICOM.Tag(0x0008, 0x0061)
    static let description = DICOM.Tag(0x0008, 0x1030), seriesNumber = DICOM.Tag(0x0020, 0x0011), instanceNumber = DICOM.Tag(0x0020, 0x0013)
    static let patientStudies = DICOM.Tag(0x0020, 0x1200), patientInstances = DICOM.Tag(0x0020, 0x1204)
    static let studySeries = DICOM.Tag(0x0020, 0x1206), studyInstances = DICOM.Tag(0x0020, 0x1208), seriesInstances = DICOM.Tag(0x0020, 0x1209)
    static let referring = DICOM.Tag(0x0008, 0x0090), studyTime = DICOM.Tag(0x0008, 0x0030)

    static let cases: [QueryCase] = [
        // Patient Root, PATIENT
        QueryCase(name: "all patients with counts", level: "PATIENT", model: .patientRoot,
                  keys: [(patientName, .PN, ""), (patientID, .LO, ""), (birthDate, .DA, ""), (patientStudies, .IS, ""), (patientInstances, .IS, "")]),
        QueryCase(name: "patient name wild card", level: "PATIENT", model: .patientRoot, keys: [(patientName, .PN, "DOE*"), (patientID, .LO, "")]),
        QueryCase(name: "patient name case-insensitive", level: "PATIENT", model: .patientRoot, keys: [(patientName, .PN, "roe^richard")]),
        QueryCase(name: "patient ID single value", level: "PATIENT", model: .patientRoot, keys: [(patientID, .LO, "PAT2"), (patientName, .PN, "")]),
        QueryCase(name: "patient ID with ?", level: "PATIENT", model: .patientRoot, keys: [(patientID, .LO, "PAT?"), (sex, .CS, "M")]),
        QueryCase(name: "birth date range", level: "PATIENT", model: .patientRoot, keys: [(birthDate, .DA, "19700101-19801231"), (patientID, .LO, "")]),
        QueryCase(name: "birth date open range", level: "PATIENT", model: .patientRoot, keys: [(birthDate, .DA, "-19700101")]),
        QueryCase(name: "non-ASCII name", level: "PATIENT", model: .patientRoot, keys: [(patientName, .PN, "Müller*")]),
        // Narrowed in SQL on the folded name; a name it cannot fold (non-ASCII) stays a candidate.
        QueryCase(name: "patient name prefix in another case", level: "PATIENT", model: .patientRoot, keys: [(patientName, .PN, "rO*")]),
        QueryCase(name: "patient name prefix of a non-ASCII name", level: "PATIENT", model: .patientRoot, keys: [(patientName, .PN, "M*")]),
        QueryCase(name: "patient name with ? and *", level: "PATIENT", model: .patientRoot, keys: [(patientName, .PN, "d?e*")]),
        // Patient Root, STUDY
        QueryCase(name: "studies of a patient", level: "STUDY", model: .patientRoot,
                  keys: [(patientID, .LO, "PAT1"), (studyUID, .UI, ""), (studyDate, .DA, ""), (modalities, .CS, ""),
                         (studySeries, .IS, ""), (studyInstances, .IS, ""), (patientStudies, .IS, "")]),
        QueryCase(name: "studies by date range", level: "STUDY", model: .patientRoot,
                  keys: [(patientID, .LO, "PAT1"), (studyDate, .DA, "20240101-"), (accession, .SH, "")]),
        // Patient Root, SERIES and IMAGE
        QueryCase(name: "series by modality", level: "SERIES", model: .patientRoot,
                  keys: [(patientID, .LO, "PAT1"), (studyUID, .UI, "1.2.826.0.1.1"), (seriesUID, .UI, ""), (modality, .CS, "CT"), (seriesInstances, .IS, "")]),
        QueryCase(name: "images of a series", level: "IMAGE", model: .patientRoot,
                  keys: [(patientID, .LO, "PAT1"), (studyUID, .UI, "1.2.826.0.1.1"), (seriesUID, .UI, "1.2.826.0.1.1.1"),
                         (sopUID, .UI, ""), (instanceNumber, .IS, ""), (sopClass, .UI, "")]),
        QueryCase(name: "image by instance number", level: "IMAGE", model: .patientRoot,
                  keys: [(patientID, .LO, "PAT1"), (studyUID, .UI, "1.2.826.0.1.1"), (seriesUID, .UI, "1.2.826.0.1.1.1"), (instanceNumber, .IS, "02")]),
        // Study Root
        QueryCase(name: "all studies", level: "STUDY", model: .studyRoot,
                  keys: [(patientName, .PN, ""), (patientID, .LO, ""), (studyUID, .UI, ""), (studyDate, .DA, ""), (studyTime, .TM, ""),
                         (referring, .PN, ""), (modalities, .CS, ""), (studyInstances, .IS, ""), (patientStudies, .IS, "")]),
        QueryCase(name: "studies by patient ID", level: "STUDY", model: .studyRoot, keys: [(patientID, .LO, "PAT1"), (description, .LO, "")]),
        QueryCase(name: "studies by modality in study", level: "STUDY", model: .studyRoot, keys: [(modalities, .CS, "MR"), (studyUID, .UI, "")]),
        QueryCase(name: "studies by description wild card", level: "STUDY", model: .studyRoot, keys: [(description, .LO, "*[contrast]")]),
        QueryCase(name: "studies by accession", level: "STUDY", model: .studyRoot, keys: [(accession, .SH, "ACC2")]),
        QueryCase(name: "studies in a date", level: "STUDY", model: .studyRoot, keys: [(studyDate, .DA, "20221231"), (patientName, .PN, "")]),
        QueryCase(name: "studies by UID list", level: "STUDY", model: .studyRoot,
                  keys: [(studyUID, .UI, "1.2.826.0.1.2\\1.2.826.0.2.1\\1.9.9"), (studyDate, .DA, "")]),
        QueryCase(name: "all series", level: "SERIES", model: .studyRoot,
                  keys: [(seriesUID, .UI, ""), (modality, .CS, ""), (seriesNumber, .IS, ""), (seriesInstances, .IS, ""), (studyInstances, .IS, "")]),
        QueryCase(name: "series of a study by number", level: "SERIES", model: .studyRoot,
                  keys: [(studyUID, .UI, "1.2.826.0.1.1"), (seriesNumber, .IS, "2")]),
        QueryCase(name: "all images", level: "IMAGE", model: .studyRoot,
                  keys: [(sopUID, .UI, ""), (sopClass, .UI, ""), (seriesInstances, .IS, "")]),
        QueryCase(name: "images by SOP class", level: "IMAGE", model: .studyRoot,
                  keys: [(studyUID, .UI, "1.2.826.0.1.1"), (seriesUID, .UI, "1.2.826.0.1.1.2"), (sopClass, .UI, ArchiveFixtures.mrImage)]),
        // Patient/Study Only: series and instance attributes are keys of the study.
        QueryCase(name: "patient/study only patients", level: "PATIENT", model: .patientStudyOnly,
                  keys: [(patientID, .LO, ""), (patientName, .PN, "DOE^JANE"), (patientInstances, .IS, "")]),
        QueryCase(name: "patient/study only studies by modality", level: "STUDY", model: .patientStudyOnly,
                  keys: [(patientID, .LO, "PAT1"), (studyUID, .UI, ""), (modality, .CS, "CT"), (seriesNumber, .IS, ""), (studyInstances, .IS, "")]),
        // Hostile keys: bound as values, they match nothing and break nothing.
        QueryCase(name: "injection in patient name", level: "PATIENT", model: .patientRoot, keys: [(patientName, .PN, "x' OR 1=1 --")]),
        QueryCase(name: "injection in patient ID", level: "PATIENT", model: .patientRoot, keys: [(patientID, .LO, "x' OR '1'='1")]),
        QueryCase(name: "injection in description", level: "STUDY", model: .studyRoot, keys: [(description, .LO, "'; DROP TABLE study;--")]),
        // Accession Number is a Required Key: only the study without one matches (C.2.2.1.2).
        QueryCase(name: "hostile accession", level: "STUDY", model: .studyRoot, keys: [(accession, .SH, "'; DROP TABLE study;--")]),
        QueryCase(name: "injection with wild card", level: "STUDY", model: .studyRoot, keys: [(description, .LO, "*' OR 1=1 --*")]),
        QueryCase(name: "glob brackets are literal", level: "PATIENT", model: .patientRoot, keys: [(patientID, .LO, "PAT[12]*")]),
        QueryCase(name: "injection in date", level: "STUDY", model: .studyRoot, keys: [(studyDate, .DA, "2024' OR 1=1")]),
    ]

    @Test(arguments: IndexBackend.allForTests, cases)
    func findEqualsInMemoryReference(_ backend: IndexBackend, _ queryCase: QueryCase) async throws {
        let fixtures = try ArchiveFixtures(backend: backend)
        defer { fixtures.remove() }
        let archive = try await Self.filledArchive(fixtures)
        let query = try ArchiveFixtures.query(queryCase.level, queryCase.model, queryCase.keys)
        let expected = ArchiveFixtures.referenceIndex().find(query).map { query.response(for: $0) }
        let found = try archive.find(query, grant: try await ArchiveFixtures.grant(.query))
        #expect(found == expected)
        if queryCase.name.hasPrefix("injection") || queryCase.name.hasPrefix("glob") {
            #expect(found.isEmpty)
            #expect(try archive.counts(grant: try await ArchiveFixtures.grant(.administer))
                == ArchiveCounts(patients: 3, studies: 4, series: 5, instances: 6))
        }
    }

    @Test(arguments: IndexBackend.allForTests)
    func aLimitGivesTheFirstAnswersInOrderAndEveryAttributeAddsTheRecord(_ backend: IndexBackend) async throws {
        let fixtures = try ArchiveFixtures(backend: backend)
        defer { fixtures.remove() }
        let archive = try await Self.filledArchive(fixtures)
        let grant = try await ArchiveFixtures.grant(.query)
        let query = try ArchiveFixtures.query("IMAGE", .studyRoot, [(Self.sopUID, .UI, "")])
        let every = try archive.find(query, grant: grant)
        #expect(every.count == 6)
        for limit in [0, 1, 4, 6, 10] {
            #expect(try archive.find(query, limit: limit, grant: grant) == Array(every.prefix(limit)))
        }
        // The record's other attributes come too, after the requested keys' answers.
        let full = try archive.find(query, everyAttribute: true, limit: 1, grant: grant)
        #expect(full.count == 1)
        #expect(full[0][Self.sopUID] == every[0][Self.sopUID])
        #expect(full[0][Self.studyUID] != nil && full[0][Self.patientID] != nil && full[0][Self.modality] != nil)
        // Computed attributes too, though the query named none: counted for every attribute only.
        #expect(every[0][Self.seriesInstances] == nil && every[0][Self.patientStudies] == nil)
        #expect(full[0][Self.seriesInstances] != nil && full[0][Self.studyInstances] != nil && full[0][Self.patientStudies] != nil)
        #expect(full[0][Self.modalities] != nil)
    }

    @Test func everyCaseWithResultsFindsSomething() async throws {
        // Guards against a reference and an archive that agree by both finding nothing.
        let nonEmpty = try Self.cases.filter { queryCase in
            let query = try ArchiveFixtures.query(queryCase.level, queryCase.model, queryCase.keys)
            return !ArchiveFixtures.referenceIndex().find(query).isEmpty
        }
        #expect(nonEmpty.count >= 20)
    }

    @Test(arguments: IndexBackend.allForTests)
    func retrieveListsTheSameInstancesAsTheReference(_ backend: IndexBackend) async throws {
        let fixtures = try ArchiveFixtures(backend: backend)
        defer { fixtures.remove() }
        let archive = try await Self.filledArchive(fixtures)
        let grant = try await ArchiveFixtures.grant(.retrieve)
        let retrieves: [(String, QueryRetrieveModel, [(DICOM.Tag, VR, String)])] = [
            ("STUDY", .studyRoot, [(Self.studyUID, .UI, "1.2.826.0.1.1\\1.2.826.0.3.1")]),
            ("SERIES", .studyRoot, [(Self.studyUID, .UI, "1.2.826.0.1.1"), (Self.seriesUID, .UI, "1.2.826.0.1.1.2")]),
            ("IMAGE", .studyRoot, [(Self.studyUID, .UI, "1.2.826.0.1.1"), (Self.seriesUID, .UI, "1.2.826.0.1.1.1"),
                                   (Self.sopUID, .UI, "1.2.826.0.1.1.1.2")]),
            ("PATIENT", .patientRoot, [(Self.patientID, .LO, "PAT1")]),
        ]
        for (level, model, keys) in retrieves {
            let query = try ArchiveFixtures.query(level, model, keys, operation: .move)
            let expected = ArchiveFixtures.referenceIndex().instances(matching: query).map(\.sopInstanceUID)
            let found = try archive.instances(matching: query, grant: grant)
            #expect(found.map(\.sopInstanceUID) == expected)
            #expect(!found.isEmpty)
            for instance in found {
                #expect(FileManager.default.fileExists(atPath: fixtures.blobFile(instance)))
                #expect(instance.transferSyntax == .explicitVRLittleEndian)
                let file = try DICOMFile(contentsOf: fixtures.blobFile(instance))
                #expect(file.dataSet.string(Self.sopUID) == instance.sopInstanceUID)
            }
        }
    }

    @Test(arguments: IndexBackend.allForTests)
    func responsesAfterDeletingASeriesMatchTheReference(_ backend: IndexBackend) async throws {
        let fixtures = try ArchiveFixtures(backend: backend)
        defer { fixtures.remove() }
        let archive = try await Self.filledArchive(fixtures)
        let deleted = try await archive.delete(studyInstanceUID: "1.2.826.0.1.1", seriesInstanceUID: "1.2.826.0.1.1.1",
                                               grant: try await ArchiveFixtures.grant(.delete))
        #expect(deleted.map(\.sopInstanceUID) == ["1.2.826.0.1.1.1.1", "1.2.826.0.1.1.1.2"])
        for instance in deleted { #expect(!FileManager.default.fileExists(atPath: fixtures.blobFile(instance))) }
        let remaining = ArchiveFixtures.instances.filter { $0.series != "1.2.826.0.1.1.1" }
        for queryCase in Self.cases.prefix(14) {
            let query = try ArchiveFixtures.query(queryCase.level, queryCase.model, queryCase.keys)
            let expected = ArchiveFixtures.referenceIndex(remaining).find(query).map { query.response(for: $0) }
            #expect(try archive.find(query, grant: try await ArchiveFixtures.grant(.query)) == expected, "\(queryCase.name)")
        }
        #expect(try archive.counts(grant: try await ArchiveFixtures.grant(.administer))
            == ArchiveCounts(patients: 3, studies: 4, series: 4, instances: 4))
    }

    @Test(arguments: IndexBackend.allForTests)
    func deletingAStudyRemovesItsPatientWhenItWasTheLast(_ backend: IndexBackend) async throws {
        let fixtures = try ArchiveFixtures(backend: backend)
        defer { fixtures.remove() }
        let archive = try await Self.filledArchive(fixtures)
        let deleted = try await archive.delete(studyInstanceUID: "1.2.826.0.2.1", grant: try await ArchiveFixtures.grant(.delete))
        #expect(deleted.count == 1)
        #expect(try archive.counts(grant: try await ArchiveFixtures.grant(.administer))
            == ArchiveCounts(patients: 2, studies: 3, series: 4, instances: 5))
        await #expect(throws: ArchiveError.self) {
            try await archive.delete(studyInstanceUID: "../1.2", grant: try await ArchiveFixtures.grant(.delete))
        }
    }

    static func filledArchive(_ fixtures: ArchiveFixtures) async throws -> Archive {
        let archive = try fixtures.archive()
        let grant = try await ArchiveFixtures.grant(.store)
        for path in try fixtures.writeAll() {
            let outcome = try await archive.store(file: path, moving: false, grant: grant)
            guard case .stored = outcome else {
                Issue.record("fixture not stored: \(outcome)")
                continue
            }
        }
        return archive
    }
}
