import DICOM
@testable import DICOMNetwork
import Testing

private typealias Tag = DICOM.Tag

/// PS3.4 C.2.2.2 attribute matching, one rule per test, at the STUDY level of Study Root
/// unless the rule needs another.
@Suite("Query/Retrieve attribute matching (PS3.4 C.2.2.2)")
struct QueryRetrieveMatchingTests {
    private func matches(_ keys: [String: String], _ record: [String: String], level: String = "STUDY",
                         options: QueryMatchingOptions = .baseline) throws -> Bool {
        try QR.query(level, keys, options: options).matches(QR.dataSet(record))
    }

    // MARK: Single Value Matching (C.2.2.2.1)

    @Test func singleValueMatchingIsExactAndCaseSensitive() throws {
        #expect(try matches(["PatientID": "PID-1"], ["PatientID": "PID-1"]))
        #expect(try !matches(["PatientID": "PID-1"], ["PatientID": "PID-10"]))
        #expect(try !matches(["PatientID": "PID-1"], ["PatientID": "pid-1"]))
        #expect(try !matches(["Modality": "CT"], ["Modality": "ct"], level: "SERIES"))
        #expect(try matches(["AccessionNumber": "A7"], ["AccessionNumber": "A7 "]))       // padding is insignificant
    }

    @Test func personNamesMatchRegardlessOfCase() throws {
        #expect(try matches(["PatientName": "doe^jane"], ["PatientName": "DOE^JANE"]))
        #expect(try matches(["PatientName": "Doe^Jane"], ["PatientName": "DOE^jane"]))
        let sensitive = QueryMatchingOptions(caseInsensitivePersonNames: false)
        #expect(try !matches(["PatientName": "doe^jane"], ["PatientName": "DOE^JANE"], options: sensitive))
        // Only PN: a description keeps its case.
        #expect(try !matches(["StudyDescription": "chest"], ["StudyDescription": "CHEST"]))
    }

    @Test func personNamesIgnoreTrailingEmptyComponentsAndSpaces() throws {
        #expect(try matches(["PatientName": "DOE^JANE"], ["PatientName": "DOE^JANE^^^"]))
        #expect(try matches(["PatientName": "DOE^JANE^^^"], ["PatientName": " DOE ^JANE"]))
        #expect(try !matches(["PatientName": "DOE^JANE"], ["PatientName": "DOE^JANE^Q"]))
    }

    @Test func personNameKeyOfOneGroupMatchesAnyGroupOfTheName() throws {
        let query = try QR.query("STUDY", ["PatientName": "yamada^tarou"])
        let record = QR.dataSet(["PatientName": "Yamada^Tarou=山田^太郎=やまだ^たろう"], characterSet: ["ISO_IR 192"])
        #expect(query.matches(record))
        let ideographic = try QR.query("STUDY", ["PatientName": "山田^太郎"], characterSet: ["ISO_IR 192"])
        #expect(ideographic.matches(record))
        let whole = try QR.query("STUDY", ["PatientName": "Yamada^Tarou=山田^太郎"], characterSet: ["ISO_IR 192"])
        #expect(!whole.matches(record))   // several groups: the whole name must match
    }

    @Test func keyAndRecordAreDecodedInTheirOwnCharacterSets() throws {
        let query = try QR.query("STUDY", ["PatientName": "MÜLLER^*"], characterSet: ["ISO_IR 100"])
        let record = QR.dataSet(["PatientName": "Müller^Hanna"], characterSet: ["ISO_IR 192"])
        #expect(query.matches(record))
        #expect(!query.matches(QR.dataSet(["PatientName": "Muller^Hanna"])))
    }

    @Test func numbersMatchByValue() throws {
        #expect(try matches(["SeriesNumber": "5"], ["SeriesNumber": "005"], level: "SERIES"))
        #expect(try matches(["PatientWeight": "70"], ["PatientWeight": "70.0"]))
        #expect(try !matches(["SeriesNumber": "5"], ["SeriesNumber": "50"], level: "SERIES"))
    }

    // MARK: Wild Card Matching (C.2.2.2.4)

    @Test func starMatchesAnyRunOfCharacters() throws {
        #expect(try matches(["PatientName": "DO*"], ["PatientName": "DOE^JANE"]))
        #expect(try matches(["PatientName": "*JANE"], ["PatientName": "DOE^JANE"]))
        #expect(try matches(["PatientName": "D*E^J*E"], ["PatientName": "DOE^JANE"]))
        #expect(try matches(["StudyDescription": "CHEST*"], ["StudyDescription": "CHEST"]))   // zero characters
        #expect(try !matches(["PatientName": "DO*"], ["PatientName": "ADOE^JANE"]))
    }

    @Test func questionMarkMatchesExactlyOneCharacter() throws {
        #expect(try matches(["PatientName": "DO?^JANE"], ["PatientName": "DOE^JANE"]))
        #expect(try !matches(["PatientName": "DO?^JANE"], ["PatientName": "DOEE^JANE"]))
        #expect(try !matches(["PatientName": "DOE?^JANE"], ["PatientName": "DOE^JANE"]))
        #expect(try matches(["AccessionNumber": "A??9"], ["AccessionNumber": "A019"]))
    }

    @Test func starAloneIsUniversalMatching() throws {
        #expect(try matches(["StudyDescription": "*"], [:]))          // even an absent value
        #expect(try matches(["StudyDescription": "*"], ["StudyDescription": "ANYTHING"]))
        #expect(try matches(["StudyDescription": "**"], [:]))
    }

    @Test func otherCharactersOfAPatternAreLiteral() throws {
        #expect(try !matches(["StudyDescription": "CT.CHEST*"], ["StudyDescription": "CTXCHEST ABD"]))
        #expect(try matches(["StudyDescription": "CT.CHEST*"], ["StudyDescription": "CT.CHEST ABD"]))
        #expect(try matches(["StudyDescription": "[A]+(B)*"], ["StudyDescription": "[A]+(B) ok"]))
        #expect(try !matches(["StudyDescription": "[AB]*"], ["StudyDescription": "A"]))
        #expect(try matches(["PatientName": "DOE^J*"], ["PatientName": "DOE^JANE"]))
        #expect(try !matches(["PatientName": "DOE^J*"], ["PatientName": "DOEXJANE"]))
    }

    @Test func wildcardsAreCaseSensitiveExceptInPersonNames() throws {
        #expect(try !matches(["StudyDescription": "chest*"], ["StudyDescription": "CHEST PA"]))
        #expect(try matches(["PatientName": "doe*"], ["PatientName": "DOE^JANE"]))
    }

    @Test func hostilePatternEndsQuickly() throws {
        let pattern = String(repeating: "*A", count: 40) + "B"
        let text = String(repeating: "A", count: 60)
        #expect(try !matches(["StudyDescription": pattern], ["StudyDescription": text]))
    }

    // MARK: List of UID Matching (C.2.2.2.2)

    @Test func uidListMatchesAnyListedUID() throws {
        let keys = ["StudyInstanceUID": "1.2.3.4\\1.2.3.5"]
        #expect(try matches(keys, ["StudyInstanceUID": "1.2.3.4"]))
        #expect(try matches(keys, ["StudyInstanceUID": "1.2.3.5"]))
        #expect(try !matches(keys, ["StudyInstanceUID": "1.2.3.6"]))
        #expect(try !matches(keys, ["StudyInstanceUID": "1.2.3"]))
    }

    @Test func uidsAreNeverPatterns() throws {
        #expect(try !matches(["StudyInstanceUID": "1.2.*"], ["StudyInstanceUID": "1.2.3"]))
    }

    // MARK: Range Matching (C.2.2.2.5)

    @Test func dateRangeIsInclusive() throws {
        let keys = ["StudyDate": "20200101-20201231"]
        #expect(try matches(keys, ["StudyDate": "20200101"]))
        #expect(try matches(keys, ["StudyDate": "20200615"]))
        #expect(try matches(keys, ["StudyDate": "20201231"]))
        #expect(try !matches(keys, ["StudyDate": "20191231"]))
        #expect(try !matches(keys, ["StudyDate": "20210101"]))
    }

    @Test func openDateRanges() throws {
        #expect(try matches(["StudyDate": "-20201231"], ["StudyDate": "19991231"]))
        #expect(try matches(["StudyDate": "-20201231"], ["StudyDate": "20201231"]))
        #expect(try !matches(["StudyDate": "-20201231"], ["StudyDate": "20210101"]))
        #expect(try matches(["StudyDate": "20200101-"], ["StudyDate": "20200101"]))
        #expect(try matches(["StudyDate": "20200101-"], ["StudyDate": "20990101"]))
        #expect(try !matches(["StudyDate": "20200101-"], ["StudyDate": "20191231"]))
    }

    @Test func singleDateAndLegacyDateForm() throws {
        #expect(try matches(["StudyDate": "20200615"], ["StudyDate": "20200615"]))
        #expect(try !matches(["StudyDate": "20200615"], ["StudyDate": "20200616"]))
        #expect(try matches(["StudyDate": "20200601-20200630"], ["StudyDate": "2020.06.15"]))
    }

    @Test func timeRangeCoversTheWholeUpperBound() throws {
        let keys = ["StudyTime": "0800-1200"]
        #expect(try matches(keys, ["StudyTime": "080000"]))
        #expect(try matches(keys, ["StudyTime": "093015.123456"]))
        #expect(try matches(keys, ["StudyTime": "120059.999"]))      // 1200 means 12:00:00 to 12:00:59.999999
        #expect(try !matches(keys, ["StudyTime": "1201"]))
        #expect(try !matches(keys, ["StudyTime": "075959"]))
        #expect(try matches(["StudyTime": "-0800"], ["StudyTime": "0030"]))
        #expect(try matches(["StudyTime": "2200-"], ["StudyTime": "235959"]))
        #expect(try !matches(["StudyTime": "2200-"], ["StudyTime": "215959"]))
    }

    @Test func singleTimeMatchesItsPrecision() throws {
        #expect(try matches(["StudyTime": "1030"], ["StudyTime": "103015"]))
        #expect(try !matches(["StudyTime": "1030"], ["StudyTime": "103100"]))
        #expect(try matches(["StudyTime": "10:30:00-11:00:00"], ["StudyTime": "104500"]))   // ACR-NEMA colons
    }

    @Test func dateTimeRangeComparesInstantsAcrossOffsets() throws {
        let keys = ["AcquisitionDateTime": "20200101120000+0100-20200101130000+0100"]
        // 11:30 UTC is 12:30 at +01:00.
        #expect(try matches(keys, ["AcquisitionDateTime": "20200101113000+0000"], level: "IMAGE"))
        #expect(try !matches(keys, ["AcquisitionDateTime": "20200101123000+0000"], level: "IMAGE"))
        // Without offsets on both sides the local values are compared.
        #expect(try matches(["AcquisitionDateTime": "2020-2021"], ["AcquisitionDateTime": "20211231235959"], level: "IMAGE"))
        #expect(try matches(["AcquisitionDateTime": "202006-"], ["AcquisitionDateTime": "20200601"], level: "IMAGE"))
        #expect(try !matches(["AcquisitionDateTime": "202006-"], ["AcquisitionDateTime": "20200531235959"], level: "IMAGE"))
    }

    @Test func dateTimeWithNegativeOffsetIsAValueNotARange() throws {
        let range = try #require(TemporalRange.parse("20200101-0500", vr: .DT))
        #expect(range.form == .single)
        #expect(range.lower?.utcOffset == -300)
        let closed = try #require(TemporalRange.parse("20200101-0500-20200102-0500", vr: .DT))
        #expect(closed.form == .closed)
        #expect(TemporalRange.parse("20200101-20200102-20200103", vr: .DA) == nil)
        #expect(TemporalRange.parse("20200231", vr: .DA) == nil)
    }

    @Test func combinedDateTimeMatchingJoinsDateAndTime() throws {
        let keys = ["StudyDate": "20060705-20060707", "StudyTime": "1000-1800"]
        let combined = QueryMatchingOptions(combinedDateTime: true)
        let secondMorning = ["StudyDate": "20060706", "StudyTime": "0800"]
        #expect(try matches(keys, secondMorning, options: combined))
        #expect(try !matches(keys, secondMorning))                    // separately: 08:00 is outside 10-18
        #expect(try !matches(keys, ["StudyDate": "20060705", "StudyTime": "0900"], options: combined))
        #expect(try matches(keys, ["StudyDate": "20060707", "StudyTime": "1800"], options: combined))
        #expect(try !matches(keys, ["StudyDate": "20060707", "StudyTime": "1900"], options: combined))
        // Different forms of range are matched apart (C.2.2.2.5.4 asks for "the same form").
        let mixed = ["StudyDate": "20060705-20060707", "StudyTime": "1000-"]
        #expect(try !matches(mixed, secondMorning, options: combined))
    }

    // MARK: Universal and unknown values (C.2.2.2.3, C.2.2.1.2)

    @Test func emptyKeyIsUniversalMatching() throws {
        #expect(try matches(["PatientName": "", "StudyDescription": ""], [:]))
        #expect(try matches(["PatientName": "", "StudyDescription": ""], ["PatientName": "DOE^JANE", "StudyDescription": "X"]))
        #expect(try matches(["StudyDescription": "  "], ["StudyDescription": "X"]))
    }

    @Test func unknownRequiredKeysMatchUnknownOptionalKeysDoNot() throws {
        #expect(try matches(["StudyDate": "20200101-20201231"], [:]))           // Required Key
        #expect(try matches(["AccessionNumber": "A1"], ["AccessionNumber": ""]))
        #expect(try !matches(["StudyDescription": "CHEST"], [:]))                // Optional Key
        let strict = QueryMatchingOptions(unknownRequiredKeysMatch: false)
        #expect(try !matches(["StudyDate": "20200101-20201231"], [:], options: strict))
    }

    @Test func emptyValueMatchingNeedsItsNegotiation() throws {
        let negotiated = QueryMatchingOptions(emptyValue: true)
        #expect(try matches(["StudyDescription": "\"\""], [:], options: negotiated))
        #expect(try matches(["StudyDescription": "\"\""], ["StudyDescription": ""], options: negotiated))
        #expect(try !matches(["StudyDescription": "\"\""], ["StudyDescription": "X"], options: negotiated))
        #expect(try !matches(["StudyDescription": "\"\""], [:]))                 // just two characters otherwise
    }

    // MARK: Multiple values

    @Test func severalKeyValuesMeanAnyOfThem() throws {
        #expect(try matches(["ModalitiesInStudy": "CT\\MR"], ["ModalitiesInStudy": "MR\\PT"]))
        #expect(try !matches(["ModalitiesInStudy": "CT\\MR"], ["ModalitiesInStudy": "PT\\US"]))
    }

    @Test func multipleValueMatchingNeedsEveryValue() throws {
        let negotiated = QueryMatchingOptions(multipleValue: true)
        #expect(try !matches(["ModalitiesInStudy": "CT\\MR"], ["ModalitiesInStudy": "MR\\PT"], options: negotiated))
        #expect(try matches(["ModalitiesInStudy": "CT\\MR"], ["ModalitiesInStudy": "PT\\MR\\CT"], options: negotiated))
    }

    // MARK: Sequence Matching (C.2.2.2.6)

    private func code(_ value: String, _ scheme: String) -> DataSet {
        QR.dataSet(["CodeValue": value, "CodingSchemeDesignator": scheme, "CodeMeaning": "Meaning of \(value)"])
    }

    @Test func sequenceKeyMatchesWhenOneItemMatchesEveryItemKey() throws {
        let key = QR.sequence("ProcedureCodeSequence", [QR.dataSet(["CodeValue": "P2", "CodingSchemeDesignator": "99LOCAL"])])
        let query = try QR.query("STUDY", [:], [key])
        let record = DataSet([QR.sequence("ProcedureCodeSequence", [code("P1", "99LOCAL"), code("P2", "99LOCAL")])])
        #expect(query.matches(record))
        let otherScheme = DataSet([QR.sequence("ProcedureCodeSequence", [code("P2", "99OTHER"), code("P1", "99LOCAL")])])
        #expect(!query.matches(otherScheme))       // both item keys must hold in the same item
        #expect(!query.matches(DataSet()))
    }

    @Test func sequenceKeyWithAnEmptyItemIsUniversal() throws {
        let query = try QR.query("STUDY", [:], [QR.sequence("ProcedureCodeSequence", [DataSet()])])
        #expect(query.matches(DataSet()))
        let zeroItems = try QR.query("STUDY", [:], [QR.sequence("ProcedureCodeSequence", [])])
        #expect(zeroItems.matches(QR.dataSet(["StudyDescription": "X"])))
    }

    @Test func sequenceItemKeysUseEveryMatchingRule() throws {
        let key = QR.sequence("ProcedureCodeSequence", [QR.dataSet(["CodeValue": "P*", "CodeMeaning": ""])])
        let query = try QR.query("STUDY", [:], [key])
        #expect(query.matches(DataSet([QR.sequence("ProcedureCodeSequence", [code("X1", "S"), code("P7", "S")])])))
        #expect(!query.matches(DataSet([QR.sequence("ProcedureCodeSequence", [code("X1", "S")])])))
    }

    @Test func responseHoldsOnlyMatchingItemsWithRequestedAttributes() throws {
        let key = QR.sequence("ProcedureCodeSequence", [QR.dataSet(["CodeValue": "P2", "CodeMeaning": ""])])
        let query = try QR.query("STUDY", [:], [key])
        let record = DataSet([QR.sequence("ProcedureCodeSequence", [code("P1", "99LOCAL"), code("P2", "99LOCAL")])])
        let items = try #require(query.response(for: record)[QR.tag("ProcedureCodeSequence")]?.items)
        #expect(items.count == 1)
        #expect(QR.string(items[0], "CodeValue") == "P2")
        #expect(QR.string(items[0], "CodeMeaning") == "Meaning of P2")
        #expect(items[0][QR.tag("CodingSchemeDesignator")] == nil)
    }

    // MARK: Keys that are not matched

    @Test func keysBelowTheLevelAndControlAttributesAreNotMatched() throws {
        // Modality is a series key: at STUDY level it cannot describe the study.
        #expect(try matches(["Modality": "MR"], ["Modality": "CT"]))
        #expect(try matches(["RetrieveAETitle": "ELSEWHERE"], [:]))
        #expect(try matches(["InstanceAvailability": "NEARLINE"], [:]))
    }

    @Test func binaryKeysMatchByValue() throws {
        let pregnancy = { (value: UInt16) in DataElement(tag: QR.tag("PregnancyStatus"), vr: .US, bytes: [UInt8(value & 0xFF), UInt8(value >> 8)]) }
        let query = try QR.query("STUDY", [:], [pregnancy(4)])
        #expect(query.matches(DataSet([pregnancy(4)])))
        #expect(!query.matches(DataSet([pregnancy(2)])))
    }
}
