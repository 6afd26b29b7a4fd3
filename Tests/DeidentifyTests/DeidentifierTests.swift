import DICOM
import Testing

@testable import Deidentify

private typealias Tag = DICOM.Tag

@Suite struct DeidentifierTests {
    static let key = ProjectKey(bytes: Array(repeating: 7, count: 32))

    fileprivate static let patientName = Tag(0x0010, 0x0010)
    fileprivate static let patientID = Tag(0x0010, 0x0020)
    fileprivate static let birthDate = Tag(0x0010, 0x0030)
    fileprivate static let studyDate = Tag(0x0008, 0x0020)
    fileprivate static let studyTime = Tag(0x0008, 0x0030)
    fileprivate static let studyUID = Tag(0x0020, 0x000D)
    fileprivate static let seriesUID = Tag(0x0020, 0x000E)
    fileprivate static let institutionName = Tag(0x0008, 0x0080)
    fileprivate static let stationName = Tag(0x0008, 0x1010)
    fileprivate static let referencedSeries = Tag(0x0008, 0x1115)
    fileprivate static let referencedSOPInstanceUID = Tag(0x0008, 0x1155)
    fileprivate static let rows = Tag(0x0028, 0x0010)
    fileprivate static let patientComments = Tag(0x0010, 0x4000)

    static func object(patient: String = "PAT-1", studyUID: String = "1.2.3.4", date: String = "20240301") -> DataSet {
        DataSet([
            .uid(.sopClassUID, "1.2.840.10008.5.1.4.1.1.7"),
            .uid(.sopInstanceUID, studyUID + ".1.1"),
            .text(studyDate, .DA, [date]),
            .text(studyTime, .TM, ["101500"]),
            .text(institutionName, .LO, ["General Hospital"]),
            .text(stationName, .SH, ["CT01"]),
            .text(patientName, .PN, ["Doe^Jane"]),
            .text(patientID, .LO, [patient]),
            .text(birthDate, .DA, ["19700101"]),
            .text(patientComments, .LT, ["Allergic to iodine"]),
            .uid(Self.studyUID, studyUID),
            .uid(seriesUID, studyUID + ".1"),
            DataElement(tag: referencedSeries, items: [
                DataSet([
                    .uid(referencedSOPInstanceUID, studyUID + ".1.1"),
                    .uid(seriesUID, studyUID + ".1"),
                    .text(patientName, .PN, ["Doe^Jane"]),
                ])
            ]),
            DataElement(tag: Tag(0x0029, 0x0010), vr: .LO, bytes: Array("ACME 1.0".utf8)),
            DataElement(tag: Tag(0x0029, 0x1001), vr: .LO, bytes: Array("secret".utf8)),
            DataElement(tag: rows, vr: .US, bytes: [0, 2]),
        ])
    }

    static func deidentify(_ dataSet: DataSet, _ options: DeidentificationOptions = []) throws -> DataSet {
        try Deidentifier(key: key, options: options).deidentify(dataSet)
    }

    @Test func combinedCodesTakeTheStrongestActionThatKeepsTheObjectValid() {
        #expect(ActionCode.removeOrZero.action == .zero)
        #expect(ActionCode.removeOrDummy.action == .dummy)
        #expect(ActionCode.zeroOrDummy.action == .dummy)
        #expect(ActionCode.removeZeroOrDummy.action == .dummy)
        #expect(ActionCode.removeZeroOrUID.action == .remapUID)
    }

    @Test func profileCoversEveryRowOfTheTableIncludingPatterns() throws {
        #expect(ConfidentialityProfile.table.count == 460)
        let basic = try ConfidentialityProfile(options: [])
        #expect(basic.action(for: Self.patientName) == .zero)
        #expect(basic.action(for: Tag(0x5002, 0x3000)) == .remove)  // Curve Data (50xx,xxxx)
        #expect(basic.action(for: Tag(0x6002, 0x3000)) == .remove)  // Overlay Data (60xx,3000)
        #expect(basic.action(for: Tag(0x6000, 0x0010)) == nil)  // Overlay Rows: not in the table
        #expect(basic.action(for: Tag(0x0009, 0x1001)) == .remove)  // private
        #expect(basic.action(for: Self.rows) == nil)
    }

    @Test func optionsRelaxTheBasicAction() throws {
        #expect(try ConfidentialityProfile(options: [.retainLongitudinalFullDates]).action(for: Self.studyDate) == .keep)
        #expect(try ConfidentialityProfile(options: [.retainLongitudinalModifiedDates]).action(for: Self.studyDate) == .clean)
        #expect(try ConfidentialityProfile(options: [.retainUIDs]).action(for: Self.studyUID) == .keep)
        #expect(try ConfidentialityProfile(options: [.retainInstitutionIdentity]).action(for: Self.institutionName) == .keep)
        #expect(try ConfidentialityProfile(options: [.retainDeviceIdentity]).action(for: Self.stationName) == .keep)
    }

    @Test func bothLongitudinalOptionsAreRefused() {
        #expect(throws: DeidentificationError.conflictingDateOptions) {
            try ConfidentialityProfile(options: [.retainLongitudinalFullDates, .retainLongitudinalModifiedDates])
        }
    }

    @Test func unknownOptionNameSaysWhichOptionsExist() {
        #expect(throws: DeidentificationError.unknownOption("retainNames")) {
            try DeidentificationOption.parseList("retainUIDs,retainNames")
        }
        #expect(throws: Never.self) { try DeidentificationOption.parseList(" retainUIDs , cleanGraphics ") }
    }

    @Test func basicProfileEmptiesRemovesAndRemaps() throws {
        let output = try Self.deidentify(Self.object())
        #expect(output[Self.patientName]?.inlineBytes == [])
        #expect(output[Self.birthDate]?.inlineBytes == [])
        #expect(output[Self.studyDate]?.inlineBytes == [])  // X/Z → Z
        #expect(output[Self.patientComments] == nil)
        #expect(output.string(Self.institutionName) == "ANONYMIZED")  // X/Z/D → D
        #expect(output.string(Self.stationName) == "ANONYMIZED")  // X/D → D
        #expect(output.int(Self.rows) == 512)
        #expect(!output.contains { $0.tag.group & 1 == 1 })
        let studyUID = try #require(output.string(Self.studyUID))
        #expect(studyUID.hasPrefix("2.25.") && studyUID != "1.2.3.4")
        #expect(studyUID.count <= 64)
        #expect(output.string(Self.patientID) == Self.key.pseudonym(ofPatientID: "PAT-1"))
    }

    @Test func referencesInSequencesMapLikeTheAttributesTheyReference() throws {
        let output = try Self.deidentify(Self.object())
        let item = try #require(output[Self.referencedSeries]?.items?.first)
        #expect(item.string(Self.referencedSOPInstanceUID) == output.string(.sopInstanceUID))
        #expect(item.string(Self.seriesUID) == output.string(Self.seriesUID))
        #expect(item[Self.patientName]?.inlineBytes == [])
    }

    @Test func twoStudiesOfOnePatientShareTheirPseudonymAndDateShift() throws {
        let options: DeidentificationOptions = [.retainLongitudinalModifiedDates]
        let first = try Self.deidentify(Self.object(studyUID: "1.2.3.4", date: "20240301"), options)
        let second = try Self.deidentify(Self.object(studyUID: "1.2.3.5", date: "20240311"), options)
        #expect(first.string(Self.patientID) == second.string(Self.patientID))
        let (a, b) = (try #require(first.string(Self.studyDate)), try #require(second.string(Self.studyDate)))
        #expect(a != "20240301")
        #expect(Self.days(b) - Self.days(a) == 10)
        #expect(first.string(Self.studyTime) == "101500")
        #expect(first.string(Tag(0x0028, 0x0303)) == "MODIFIED")
        #expect(first.string(Self.studyUID) != second.string(Self.studyUID))
    }

    @Test func otherPatientsGetOtherPseudonyms() throws {
        let first = try Self.deidentify(Self.object(patient: "PAT-1"))
        let second = try Self.deidentify(Self.object(patient: "PAT-2"))
        #expect(first.string(Self.patientID) != second.string(Self.patientID))
    }

    @Test func fullDatesAndUIDsAreKeptWhenRetained() throws {
        let output = try Self.deidentify(Self.object(), [.retainLongitudinalFullDates, .retainUIDs])
        #expect(output.string(Self.studyDate) == "20240301")
        #expect(output.string(Self.studyUID) == "1.2.3.4")
    }

    @Test func burnedInAnnotationIsRefusedUnlessPixelsAreClean() throws {
        var object = Self.object()
        object.insert(.text(Tag(0x0028, 0x0301), .CS, ["YES"]))
        #expect(throws: DeidentificationError.burnedInAnnotation) { try Self.deidentify(object) }
        #expect(throws: Never.self) { try Self.deidentify(object, [.cleanPixelData]) }
    }

    @Test func outputCarriesTheMethodAndItsCodes() throws {
        let output = try Self.deidentify(Self.object(), [.retainUIDs, .cleanDescriptors])
        #expect(output.string(Tag(0x0012, 0x0062)) == "YES")
        #expect(output.strings(Tag(0x0012, 0x0063)).count == 3)
        let codes = try #require(output[Tag(0x0012, 0x0064)]?.items).map { $0.string(Tag(0x0008, 0x0100)) }
        #expect(codes == ["113100", "113105", "113110"])
    }

    @Test func uidsAreDecimalOf128Bits() {
        #expect(ProjectKey.decimal(Array(repeating: 0xFF, count: 16)) == "340282366920938463463374607431768211455")
        #expect(ProjectKey.decimal([0, 0, 1, 0]) == "256")
        #expect(Self.key.uid(for: "1.2.3") == Self.key.uid(for: "1.2.3"))
    }

    @Test func keyFileTextRoundTrips() throws {
        let key = ProjectKey.generate()
        #expect(try ProjectKey(hex: key.hex + "\n", path: "k").hex == key.hex)
        #expect(throws: DeidentificationError.malformedKey(path: "k")) { try ProjectKey(hex: "abc", path: "k") }
        #expect(throws: DeidentificationError.malformedKey(path: "k")) {
            try ProjectKey(hex: String(repeating: "g", count: 64), path: "k")
        }
    }

    @Test func datesMoveByWholeDaysAcrossMonthsAndLeapYears() {
        let back = DateShift(days: -1)
        #expect(back.shifted(date: "20240301") == "20240229")
        #expect(back.shifted(date: "20230301") == "20230228")
        #expect(DateShift(days: 1).shifted(date: "19991231") == "20000101")
        #expect(back.shifted(dateTime: "20240301101500.5+0100") == "20240229101500.5+0100")
        #expect(back.shifted(date: "2024") == nil)
    }

    static func days(_ date: String) -> Int {
        let number = Int(date)!
        return DateShift.days(year: number / 10000, month: number / 100 % 100, day: number % 100)
    }
}
