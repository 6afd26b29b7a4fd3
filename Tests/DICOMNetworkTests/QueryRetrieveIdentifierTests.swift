import DICOM
@testable import DICOMNetwork
import Testing

private typealias Tag = DICOM.Tag

@Suite("Query/Retrieve identifiers (PS3.4 C.4.1.1.3, C.4.2.1.4, C.4.3.1.3)")
struct QueryRetrieveIdentifierTests {
    @Test func readsLevelModelAndKeys() throws {
        let query = try QR.query("SERIES", ["StudyInstanceUID": "1.2.3", "Modality": "CT", "SeriesInstanceUID": ""],
                                 characterSet: ["ISO_IR 100"])
        #expect(query.level == .series)
        #expect(query.model == .studyRoot)
        #expect(query.operation == .find)
        #expect(query.characterSet.terms == ["ISO_IR 100"])
        #expect(query.keys.map(\.tag) == [QR.tag("Modality"), QR.tag("StudyInstanceUID"), QR.tag("SeriesInstanceUID")])
        #expect(!query.keys.contains(QR.tag("QueryRetrieveLevel")))
        #expect(!query.keys.contains(QR.tag("SpecificCharacterSet")))
    }

    @Test func rejectsIdentifierWithoutLevel() {
        let identifier = QR.dataSet(["PatientName": "DOE*"])
        #expect(throws: QueryIdentifierError.missingQueryRetrieveLevel) { try QueryIdentifier(identifier, model: .studyRoot) }
        #expect(QueryIdentifierError.missingQueryRetrieveLevel.dimseStatus == 0xA900)
        #expect(throws: QueryIdentifierError.missingQueryRetrieveLevel) { try QR.query("", [:]) }
    }

    @Test func rejectsUnknownLevelValue() {
        #expect(throws: QueryIdentifierError.invalidQueryRetrieveLevel("FRAME")) { try QR.query("FRAME", [:]) }
        #expect(throws: QueryIdentifierError.invalidQueryRetrieveLevel("STUDY\\SERIES")) { try QR.query("STUDY\\SERIES", [:]) }
        #expect(QueryIdentifierError.invalidQueryRetrieveLevel("FRAME").dimseStatus == 0xC000)
        #expect(QueryIdentifierError.invalidQueryRetrieveLevel("FRAME").offendingElements == [QR.tag("QueryRetrieveLevel")])
    }

    @Test func readsLowerCaseLevelKindly() throws {
        #expect(try QR.query("study", [:]).level == .study)
    }

    @Test func rejectsLevelOutsideTheModel() {
        #expect(throws: QueryIdentifierError.levelNotInModel(.patient, .studyRoot)) { try QR.query("PATIENT", [:], model: .studyRoot) }
        #expect(throws: QueryIdentifierError.levelNotInModel(.series, .patientStudyOnly)) {
            try QR.query("SERIES", [:], model: .patientStudyOnly)
        }
        #expect(QueryIdentifierError.levelNotInModel(.patient, .studyRoot).dimseStatus == 0xA900)
    }

    @Test func rejectsNonUniqueKeyWithValueAboveTheLevel() {
        let error = QueryIdentifierError.keyAboveLevel(QR.tag("PatientName"), keyLevel: .patient, queryLevel: .study)
        #expect(throws: error) { try QR.query("STUDY", ["PatientName": "DOE*"], model: .patientRoot) }
        #expect(error.dimseStatus == 0xA900)
        #expect(error.offendingElements == [QR.tag("PatientName")])
        // In Study Root Patient ID is a key of the study, not a Unique Key: not at SERIES level.
        #expect(throws: QueryIdentifierError.keyAboveLevel(QR.tag("PatientID"), keyLevel: .study, queryLevel: .series)) {
            try QR.query("SERIES", ["PatientID": "PID-1"], model: .studyRoot)
        }
        #expect(throws: QueryIdentifierError.keyAboveLevel(QR.tag("StudyDate"), keyLevel: .study, queryLevel: .image)) {
            try QR.query("IMAGE", ["StudyDate": "20200101"], model: .patientRoot)
        }
    }

    @Test func acceptsUniqueKeysAndEmptyReturnKeysAboveTheLevel() throws {
        let query = try QR.query("SERIES", ["PatientID": "PID-1", "PatientName": "", "StudyInstanceUID": "1.2.3", "StudyDate": ""],
                                 model: .patientRoot)
        #expect(query.keys.count == 4)
    }

    @Test func relationalQueriesAcceptAnyKeyAboveTheLevel() throws {
        let relational = QueryMatchingOptions(relational: true)
        let query = try QR.query("SERIES", ["PatientName": "DOE*", "Modality": "CT"], model: .patientRoot, options: relational)
        #expect(query.matches(QR.dataSet(["PatientName": "DOE^JANE", "Modality": "CT"])))
        #expect(!query.matches(QR.dataSet(["PatientName": "ROE^JANE", "Modality": "CT"])))
    }

    @Test func rejectsSequenceKeyWithSeveralItems() {
        let key = QR.sequence("ProcedureCodeSequence", [QR.dataSet(["CodeValue": "A"]), QR.dataSet(["CodeValue": "B"])])
        #expect(throws: QueryIdentifierError.sequenceKeyWithSeveralItems(QR.tag("ProcedureCodeSequence"), count: 2)) {
            try QR.query("STUDY", [:], [key])
        }
    }

    @Test func anUnknownCharacterSetRefusesKeysBeyondASCIIOnly() throws {
        let refused = QueryIdentifierError.unknownCharacterSet("ISO_IR 999", key: QR.tag("PatientName"))
        #expect(throws: refused) { try QR.query("STUDY", ["PatientName": "MÜLLER*"], characterSet: ["ISO_IR 999"]) }
        #expect(refused.dimseStatus == 0xC000)
        #expect(refused.offendingElements == [QR.tag("SpecificCharacterSet"), QR.tag("PatientName")])
        // ASCII reads the same in every repertoire: the default one reads it, as pydicom does.
        let ascii = try QR.query("STUDY", ["PatientName": "MULLER*"], characterSet: ["ISO_IR 999"])
        #expect(ascii.matches(QR.dataSet(["PatientName": "MULLER^ANNA"])))
    }

    @Test func errorsNameTheAttributeNotItsValue() {
        let text = QueryIdentifierError.keyAboveLevel(QR.tag("PatientName"), keyLevel: .patient, queryLevel: .study).description
        #expect(text.contains("PatientName") && text.contains("(0010,0010)") && text.contains("STUDY"))
        let retrieve = QueryIdentifierError.invalidUniqueKey(QR.tag("StudyInstanceUID"), level: .study).description
        #expect(retrieve.contains("list of UIDs"))
    }

    // MARK: C-MOVE and C-GET

    @Test func retrieveNeedsTheUniqueKeyOfItsLevel() {
        #expect(throws: QueryIdentifierError.missingUniqueKey(QR.tag("StudyInstanceUID"), level: .study)) {
            try QR.query("STUDY", ["PatientID": "PID-1"], model: .patientRoot, operation: .move)
        }
        #expect(throws: QueryIdentifierError.missingUniqueKey(QR.tag("SOPInstanceUID"), level: .image)) {
            try QR.query("IMAGE", ["StudyInstanceUID": "1.2", "SeriesInstanceUID": "1.2.3", "SOPInstanceUID": ""], operation: .get)
        }
    }

    @Test func retrieveTakesAListOfUIDsAtItsLevel() throws {
        let query = try QR.query("SERIES", ["StudyInstanceUID": "1.2", "SeriesInstanceUID": "1.2.3\\1.2.4"], operation: .move)
        #expect(query.operation == .move)
        #expect(query.keys.count == 2)
    }

    @Test func retrieveRefusesPatternsListsAboveAndPatientIDLists() {
        #expect(throws: QueryIdentifierError.invalidUniqueKey(QR.tag("StudyInstanceUID"), level: .study)) {
            try QR.query("STUDY", ["StudyInstanceUID": "1.2.*"], operation: .move)
        }
        #expect(throws: QueryIdentifierError.invalidUniqueKey(QR.tag("StudyInstanceUID"), level: .series)) {
            try QR.query("SERIES", ["StudyInstanceUID": "1.2\\1.3", "SeriesInstanceUID": "1.2.3"], operation: .get)
        }
        #expect(throws: QueryIdentifierError.invalidUniqueKey(QR.tag("PatientID"), level: .patient)) {
            try QR.query("PATIENT", ["PatientID": "PID-1\\PID-2"], model: .patientRoot, operation: .move)
        }
    }

    @Test func retrieveDropsKeysOtherThanUniqueKeys() throws {
        let query = try QR.query("STUDY", ["StudyInstanceUID": "1.2", "PatientName": "DOE*", "StudyDate": "2020"],
                                 model: .patientRoot, operation: .move)
        #expect(query.keys.map(\.tag) == [QR.tag("StudyInstanceUID")])
        #expect(Set(query.ignoredKeys) == [QR.tag("PatientName"), QR.tag("StudyDate")])
    }

    @Test func retrieveMayLeaveOutUniqueKeysAboveItsLevel() throws {
        let query = try QR.query("STUDY", ["StudyInstanceUID": "1.2"], model: .patientRoot, operation: .get)
        #expect(query.level == .study)
    }

    // MARK: Responses

    @Test func responseHoldsRequestedKeysLevelAndCharacterSet() throws {
        let query = try QR.query("STUDY", ["PatientName": "DOE*", "StudyInstanceUID": "", "StudyDescription": "", "PatientBirthDate": ""])
        let record = QR.dataSet(["PatientName": "Doe^Jane", "StudyInstanceUID": "1.2.3", "StudyDescription": "Knee",
                                 "PatientSex": "F", "StudyDate": "20200101"], characterSet: ["ISO_IR 192"])
        let response = query.response(for: record)
        #expect(QR.string(response, "QueryRetrieveLevel") == "STUDY")
        #expect(QR.string(response, "SpecificCharacterSet") == "ISO_IR 192")
        #expect(QR.string(response, "PatientName") == "Doe^Jane")
        #expect(QR.string(response, "StudyInstanceUID") == "1.2.3")
        #expect(QR.string(response, "StudyDescription") == "Knee")
        #expect(response[QR.tag("PatientBirthDate")]?.inlineBytes == [])           // requested, unknown: zero length
        #expect(response[QR.tag("PatientSex")] == nil)                             // not requested
        #expect(response[QR.tag("StudyDate")] == nil)
        #expect(response.count == 6)
    }

    @Test func responseLeavesOutCharacterSetTheRecordLacks() throws {
        let query = try QR.query("STUDY", ["StudyInstanceUID": ""], characterSet: ["ISO_IR 100"])
        let response = query.response(for: QR.dataSet(["StudyInstanceUID": "1.2.3"]))
        #expect(response[QR.tag("SpecificCharacterSet")] == nil)
        #expect(QR.string(response, "RetrieveAETitle") == nil)
    }

    @Test func responseReturnsEveryValueOfAMatchedMultiValuedAttribute() throws {
        let query = try QR.query("STUDY", ["ModalitiesInStudy": "CT"])
        let record = QR.dataSet(["ModalitiesInStudy": "MR\\CT"])
        #expect(query.matches(record))
        #expect(query.response(for: record).strings(QR.tag("ModalitiesInStudy")) == ["MR", "CT"])
    }

    @Test func responseCarriesTheRetrieveAETitleTheSCPGives() throws {
        let query = try QR.query("STUDY", ["StudyInstanceUID": "", "RetrieveAETitle": ""])
        let record = QR.dataSet(["StudyInstanceUID": "1.2.3"])
        #expect(query.response(for: record)[QR.tag("RetrieveAETitle")]?.inlineBytes == [])
        #expect(QR.string(query.response(for: record, retrieveAETitle: "RAMPART"), "RetrieveAETitle") == "RAMPART")
    }

    @Test func identifierTimezoneAppliesToDateTimeKeysWithoutOffset() throws {
        // 12:00-13:00 at +01:00 is 11:00-12:00 UTC.
        let query = try QR.query("IMAGE", ["AcquisitionDateTime": "202001011200-202001011300", "TimezoneOffsetFromUTC": "+0100"])
        #expect(query.matches(QR.dataSet(["AcquisitionDateTime": "20200101113000+0000"])))
        #expect(!query.matches(QR.dataSet(["AcquisitionDateTime": "20200101123000+0000"])))
    }
}
