import DICOM
@testable import DICOMNetwork
import Testing

private typealias Tag = DICOM.Tag

/// Builders for the Query/Retrieve tests: data sets from PS3.6 keywords, made-up people.
enum QR {
    static func tag(_ keyword: String) -> DICOM.Tag {
        guard let tag = DataDictionary.tag(forKeyword: keyword) else { fatalError("no keyword \(keyword) in the dictionary") }
        return tag
    }

    static func vr(_ keyword: String) -> VR { DataDictionary.entry(for: tag(keyword))?.vr ?? .UN }

    /// A string element, encoded in `characterSet`, padded to even length.
    static func element(_ keyword: String, _ value: String, characterSet: SpecificCharacterSet = .default) -> DataElement {
        let vr = vr(keyword)
        var bytes = characterSet.encode(value, vr: vr)
        if bytes.count % 2 == 1 { bytes.append(vr.paddingByte) }
        return DataElement(tag: tag(keyword), vr: vr, bytes: bytes)
    }

    static func sequence(_ keyword: String, _ items: [DataSet]) -> DataElement {
        DataElement(tag: tag(keyword), items: items)
    }

    static func dataSet(_ values: [String: String], _ extra: [DataElement] = [], characterSet terms: [String] = []) -> DataSet {
        let characterSet = SpecificCharacterSet(terms: terms)
        var elements = values.map { element($0.key, $0.value, characterSet: characterSet) } + extra
        if !terms.isEmpty { elements.append(element("SpecificCharacterSet", terms.joined(separator: "\\"))) }
        return DataSet(elements)
    }

    static func identifier(_ level: String, _ values: [String: String], _ extra: [DataElement] = [], characterSet: [String] = []) -> DataSet {
        var identifier = dataSet(values, extra, characterSet: characterSet)
        identifier.insert(element("QueryRetrieveLevel", level))
        return identifier
    }

    static func query(_ level: String, _ values: [String: String], _ extra: [DataElement] = [],
                      model: QueryRetrieveModel = .studyRoot, operation: QueryRetrieveOperation = .find,
                      options: QueryMatchingOptions = .baseline, characterSet: [String] = []) throws -> QueryIdentifier {
        try QueryIdentifier(identifier(level, values, extra, characterSet: characterSet), model: model,
                            operation: operation, options: options)
    }

    static func string(_ dataSet: DataSet, _ keyword: String) -> String? { dataSet.string(tag(keyword)) }

    /// One CT or MR instance of a made-up patient.
    static func instance(patient: String, name: String, study: String, series: String, sop: String,
                         modality: String = "CT", studyDate: String = "20200615", extra: [String: String] = [:]) -> InstanceIndex.Entry {
        var values = [
            "PatientID": patient, "PatientName": name, "PatientBirthDate": "19700101",
            "StudyInstanceUID": study, "StudyDate": studyDate, "StudyTime": "101500", "AccessionNumber": "ACC-\(study.suffix(3))",
            "StudyID": "S1", "SeriesInstanceUID": series, "Modality": modality, "SeriesNumber": "1",
            "SOPInstanceUID": sop, "SOPClassUID": modality == "MR" ? "1.2.840.10008.5.1.4.1.1.4" : "1.2.840.10008.5.1.4.1.1.2",
            "InstanceNumber": String(sop.suffix(1)),
        ]
        values.merge(extra) { $1 }
        return InstanceIndex.Entry(attributes: dataSet(values), location: "/archive/\(sop).dcm")!
    }
}

@Suite("Query/Retrieve models and levels (PS3.4 C.6)")
struct QueryRetrieveModelTests {
    @Test func modelAndOperationComeFromTheSOPClassUID() {
        #expect(QueryRetrieveModel(sopClassUID: "1.2.840.10008.5.1.4.1.2.1.1") == .patientRoot)
        #expect(QueryRetrieveModel(sopClassUID: "1.2.840.10008.5.1.4.1.2.2.2") == .studyRoot)
        #expect(QueryRetrieveModel(sopClassUID: "1.2.840.10008.5.1.4.1.2.2.3\0") == .studyRoot)
        #expect(QueryRetrieveModel(sopClassUID: "1.2.840.10008.5.1.4.1.2.3.1") == .patientStudyOnly)
        #expect(QueryRetrieveModel(sopClassUID: "1.2.840.10008.5.1.4.1.2.4.2") == nil)   // composite instance root
        #expect(QueryRetrieveModel(sopClassUID: "1.2.840.10008.1.1") == nil)
        #expect(QueryRetrieveOperation(sopClassUID: "1.2.840.10008.5.1.4.1.2.1.1") == .find)
        #expect(QueryRetrieveOperation(sopClassUID: "1.2.840.10008.5.1.4.1.2.2.2") == .move)
        #expect(QueryRetrieveOperation(sopClassUID: "1.2.840.10008.5.1.4.1.2.1.3") == .get)
    }

    @Test func sopClassListsHoldEachFamily() {
        #expect(QueryRetrieveModel.findSOPClasses.prefix(2) == ["1.2.840.10008.5.1.4.1.2.1.1", "1.2.840.10008.5.1.4.1.2.2.1"])
        #expect(QueryRetrieveModel.moveSOPClasses.prefix(2) == ["1.2.840.10008.5.1.4.1.2.1.2", "1.2.840.10008.5.1.4.1.2.2.2"])
        #expect(QueryRetrieveModel.getSOPClasses.prefix(2) == ["1.2.840.10008.5.1.4.1.2.1.3", "1.2.840.10008.5.1.4.1.2.2.3"])
        #expect(QueryRetrieveModel.studyRoot.sopClassUID(for: .move) == "1.2.840.10008.5.1.4.1.2.2.2")
    }

    @Test func uniqueKeysFollowTheKeyTables() {
        #expect(QueryRetrieveLevel.patient.uniqueKey == QR.tag("PatientID"))
        #expect(QueryRetrieveLevel.study.uniqueKey == QR.tag("StudyInstanceUID"))
        #expect(QueryRetrieveLevel.series.uniqueKey == QR.tag("SeriesInstanceUID"))
        #expect(QueryRetrieveLevel.image.uniqueKey == QR.tag("SOPInstanceUID"))
        #expect(QueryRetrieveLevel.patient < .study && QueryRetrieveLevel.series < .image)
    }

    @Test func patientAttributesBelongToTheStudyInStudyRoot() {
        #expect(QueryRetrieveModel.patientRoot.level(of: QR.tag("PatientName")) == .patient)
        #expect(QueryRetrieveModel.studyRoot.level(of: QR.tag("PatientName")) == .study)
        #expect(QueryRetrieveModel.studyRoot.level(of: QR.tag("PatientBirthDate")) == .study)
        #expect(QueryRetrieveModel.patientRoot.level(of: QR.tag("StudyDescription")) == .study)
        #expect(QueryRetrieveModel.patientRoot.level(of: QR.tag("BodyPartExamined")) == .series)
        #expect(QueryRetrieveModel.patientRoot.level(of: QR.tag("ImageType")) == .image)   // "all other attributes"
        #expect(QueryRetrieveModel.patientRoot.level(of: QR.tag("RetrieveAETitle")) == nil)
        #expect(QueryRetrieveModel.patientStudyOnly.levels == [.patient, .study])
    }

    /// The hand-written tag tables agree with the generated dictionary's keywords.
    @Test func keyTableTagsAreTheDictionaryTags() {
        let names: [(Tag, String)] = [
            (QueryTag.patientName, "PatientName"), (QueryTag.patientID, "PatientID"), (QueryTag.studyDate, "StudyDate"),
            (QueryTag.studyTime, "StudyTime"), (QueryTag.accessionNumber, "AccessionNumber"), (QueryTag.studyID, "StudyID"),
            (QueryTag.studyInstanceUID, "StudyInstanceUID"), (QueryTag.modalitiesInStudy, "ModalitiesInStudy"),
            (QueryTag.numberOfStudyRelatedInstances, "NumberOfStudyRelatedInstances"), (QueryTag.modality, "Modality"),
            (QueryTag.seriesInstanceUID, "SeriesInstanceUID"), (QueryTag.numberOfSeriesRelatedInstances, "NumberOfSeriesRelatedInstances"),
            (QueryTag.sopInstanceUID, "SOPInstanceUID"), (QueryTag.instanceNumber, "InstanceNumber"),
            (QueryTag.queryRetrieveLevel, "QueryRetrieveLevel"), (QueryTag.timezoneOffsetFromUTC, "TimezoneOffsetFromUTC"),
            (QueryTag.numberOfPatientRelatedStudies, "NumberOfPatientRelatedStudies"), (QueryTag.sopClassesInStudy, "SOPClassesInStudy"),
            (QueryTag.performedProcedureStepStartTime, "PerformedProcedureStepStartTime"),
        ]
        for (tag, keyword) in names {
            #expect(DataDictionary.entry(for: tag)?.keyword == keyword, "\(tag)")
        }
        for tag in QueryKeyTables.patientLevel.union(QueryKeyTables.studyLevel).union(QueryKeyTables.seriesLevel) {
            #expect(DataDictionary.entry(for: tag) != nil, "\(tag) is not in the dictionary")
        }
    }
}
