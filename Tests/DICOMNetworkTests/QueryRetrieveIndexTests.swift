import DICOM
@testable import DICOMNetwork
import Testing

private typealias Tag = DICOM.Tag

/// Two made-up patients:
/// - PID-1 Doe^Jane: study 1.9.1 (CT series 1.9.1.1 with 2 instances, MR series 1.9.1.2 with 1)
///   and study 1.9.2 (CT series 1.9.2.1 with 1 instance, dated 2021)
/// - PID-2 Roe^Rick: study 1.9.3 (MR series 1.9.3.1 with 2 instances)
@Suite("Instance index: hierarchical C-FIND, C-MOVE and C-GET")
struct QueryRetrieveIndexTests {
    private let index = InstanceIndex([
        QR.instance(patient: "PID-1", name: "Doe^Jane", study: "1.9.1", series: "1.9.1.1", sop: "1.9.1.1.1"),
        QR.instance(patient: "PID-1", name: "Doe^Jane", study: "1.9.1", series: "1.9.1.1", sop: "1.9.1.1.2",
                    extra: ["StudyDescription": "Chest"]),
        QR.instance(patient: "PID-1", name: "Doe^Jane", study: "1.9.1", series: "1.9.1.2", sop: "1.9.1.2.1", modality: "MR"),
        QR.instance(patient: "PID-1", name: "Doe^Jane", study: "1.9.2", series: "1.9.2.1", sop: "1.9.2.1.1", studyDate: "20210301"),
        QR.instance(patient: "PID-2", name: "Roe^Rick", study: "1.9.3", series: "1.9.3.1", sop: "1.9.3.1.1", modality: "MR"),
        QR.instance(patient: "PID-2", name: "Roe^Rick", study: "1.9.3", series: "1.9.3.1", sop: "1.9.3.1.2", modality: "MR"),
    ])

    private func values(_ records: [DataSet], _ keyword: String) -> [String] {
        records.map { QR.string($0, keyword) ?? "-" }
    }

    // MARK: C-FIND

    @Test func patientLevelCountsStudiesSeriesAndInstances() throws {
        let query = try QR.query("PATIENT", ["PatientName": "", "NumberOfPatientRelatedStudies": ""], model: .patientRoot)
        let records = index.find(query)
        #expect(values(records, "PatientID") == ["PID-1", "PID-2"])
        #expect(values(records, "NumberOfPatientRelatedStudies") == ["2", "1"])
        #expect(values(records, "NumberOfPatientRelatedSeries") == ["3", "1"])
        #expect(values(records, "NumberOfPatientRelatedInstances") == ["4", "2"])
        // A patient record holds no study attributes.
        #expect(records[0][QR.tag("StudyInstanceUID")] == nil)
        let response = query.response(for: records[0])
        #expect(QR.string(response, "PatientName") == "Doe^Jane")
        #expect(QR.string(response, "NumberOfPatientRelatedStudies") == "2")
        #expect(response[QR.tag("PatientID")] == nil)     // not requested
    }

    @Test func patientRootStudyLevelFindsThePatientsStudies() throws {
        let query = try QR.query("STUDY", ["PatientID": "PID-1", "StudyInstanceUID": ""], model: .patientRoot)
        let records = index.find(query)
        #expect(values(records, "StudyInstanceUID") == ["1.9.1", "1.9.2"])
        #expect(values(records, "NumberOfStudyRelatedSeries") == ["2", "1"])
        #expect(values(records, "NumberOfStudyRelatedInstances") == ["3", "1"])
        #expect(records[0].strings(QR.tag("ModalitiesInStudy")) == ["CT", "MR"])
        #expect(records[0].strings(QR.tag("SOPClassesInStudy")).count == 2)
        // The study's description comes from whichever instance has one.
        #expect(QR.string(records[0], "StudyDescription") == "Chest")
        // No series attribute leaks into a study record.
        #expect(records[0][QR.tag("Modality")] == nil && records[0][QR.tag("SeriesInstanceUID")] == nil)
    }

    @Test func studyRootStudyLevelMatchesPatientAndStudyKeys() throws {
        let byName = try QR.query("STUDY", ["PatientName": "doe*", "StudyDate": "20200101-20201231"], model: .studyRoot)
        #expect(values(index.find(byName), "StudyInstanceUID") == ["1.9.1"])
        let byModality = try QR.query("STUDY", ["ModalitiesInStudy": "MR"], model: .studyRoot)
        #expect(values(index.find(byModality), "StudyInstanceUID") == ["1.9.1", "1.9.3"])
        let all = try QR.query("STUDY", ["NumberOfPatientRelatedStudies": ""], model: .studyRoot)
        #expect(values(index.find(all), "NumberOfPatientRelatedStudies") == ["2", "2", "1"])
    }

    @Test func seriesLevelFindsTheSeriesOfAStudy() throws {
        for model in [QueryRetrieveModel.patientRoot, .studyRoot] {
            let keys = model == .patientRoot ? ["PatientID": "PID-1", "StudyInstanceUID": "1.9.1"] : ["StudyInstanceUID": "1.9.1"]
            let query = try QR.query("SERIES", keys.merging(["Modality": "", "SeriesInstanceUID": ""]) { $1 }, model: model)
            let records = index.find(query)
            #expect(values(records, "SeriesInstanceUID") == ["1.9.1.1", "1.9.1.2"], "\(model)")
            #expect(values(records, "NumberOfSeriesRelatedInstances") == ["2", "1"], "\(model)")
            #expect(values(records, "Modality") == ["CT", "MR"], "\(model)")
        }
        let mr = try QR.query("SERIES", ["Modality": "MR"], model: .studyRoot)
        #expect(values(index.find(mr), "SeriesInstanceUID") == ["1.9.1.2", "1.9.3.1"])
    }

    @Test func imageLevelFindsTheInstancesOfASeries() throws {
        for model in [QueryRetrieveModel.patientRoot, .studyRoot] {
            let query = try QR.query("IMAGE", ["SeriesInstanceUID": "1.9.3.1", "SOPInstanceUID": "", "InstanceNumber": ""], model: model)
            let records = index.find(query)
            #expect(values(records, "SOPInstanceUID") == ["1.9.3.1.1", "1.9.3.1.2"], "\(model)")
            #expect(values(records, "InstanceNumber") == ["1", "2"], "\(model)")
        }
        let one = try QR.query("IMAGE", ["SOPInstanceUID": "1.9.1.1.2"], model: .studyRoot)
        #expect(values(index.find(one), "StudyInstanceUID") == ["1.9.1"])
    }

    @Test func patientStudyOnlyModelAnswersBothLevels() throws {
        let patients = try QR.query("PATIENT", ["PatientName": "R*"], model: .patientStudyOnly)
        #expect(values(index.find(patients), "PatientID") == ["PID-2"])
        let studies = try QR.query("STUDY", ["PatientID": "PID-2"], model: .patientStudyOnly)
        #expect(values(index.find(studies), "StudyInstanceUID") == ["1.9.3"])
    }

    @Test func noMatchGivesNoRecord() throws {
        #expect(index.find(try QR.query("STUDY", ["AccessionNumber": "NONE"])).isEmpty)
        #expect(InstanceIndex().find(try QR.query("STUDY", [:])).isEmpty)
    }

    // MARK: C-MOVE and C-GET

    @Test func moveAtStudyLevelTakesEveryInstanceOfTheListedStudies() throws {
        let query = try QR.query("STUDY", ["StudyInstanceUID": "1.9.2\\1.9.3"], operation: .move)
        let instances = index.instances(matching: query)
        #expect(instances.map(\.sopInstanceUID) == ["1.9.2.1.1", "1.9.3.1.1", "1.9.3.1.2"])
        #expect(instances[0].location == "/archive/1.9.2.1.1.dcm")
    }

    @Test func getAtImageLevelTakesTheListedInstances() throws {
        let query = try QR.query("IMAGE", ["StudyInstanceUID": "1.9.1", "SeriesInstanceUID": "1.9.1.1",
                                           "SOPInstanceUID": "1.9.1.1.2\\1.9.1.1.9"], operation: .get)
        #expect(index.instances(matching: query).map(\.sopInstanceUID) == ["1.9.1.1.2"])
    }

    @Test func retrieveChecksUniqueKeysAboveTheLevel() throws {
        let wrongStudy = try QR.query("SERIES", ["StudyInstanceUID": "1.9.3", "SeriesInstanceUID": "1.9.1.1"], operation: .move)
        #expect(index.instances(matching: wrongStudy).isEmpty)
    }

    @Test func moveAtPatientLevelTakesThePatientsWholeRecord() throws {
        let query = try QR.query("PATIENT", ["PatientID": "PID-2", "PatientName": "Nobody"], model: .patientRoot, operation: .move)
        #expect(index.instances(matching: query).map(\.sopInstanceUID) == ["1.9.3.1.1", "1.9.3.1.2"])   // the name is ignored
    }

    // MARK: Maintenance

    @Test func insertReplacesTheSameInstance() throws {
        var index = index
        #expect(index.count == 6)
        index.insert(QR.instance(patient: "PID-2", name: "Roe^Rick", study: "1.9.3", series: "1.9.3.1", sop: "1.9.3.1.2",
                                 modality: "MR", extra: ["StudyDescription": "Brain"]))
        #expect(index.count == 6)
        #expect(index["1.9.3.1.2"].map { QR.string($0.attributes, "StudyDescription") } == "Brain")
        let removed = index.remove(sopInstanceUID: "1.9.1.1.1")
        #expect(removed?.location == "/archive/1.9.1.1.1.dcm")
        #expect(index.count == 5)
        #expect(index["1.9.1.1.2"]?.sopInstanceUID == "1.9.1.1.2")
        let studies = index.find(try QR.query("STUDY", ["StudyInstanceUID": "1.9.1"]))
        #expect(values(studies, "NumberOfStudyRelatedInstances") == ["2"])
    }

    @Test func entryDropsPixelData() throws {
        var attributes = QR.dataSet(["SOPInstanceUID": "1.9.9", "SOPClassUID": "1.2.840.10008.5.1.4.1.1.7"])
        attributes.insert(DataElement(tag: DICOM.Tag.pixelData, vr: .OW, bytes: [1, 2, 3, 4]))
        let entry = try #require(InstanceIndex.Entry(attributes: attributes, location: "x"))
        #expect(entry.sopInstanceUID == "1.9.9")
        #expect(entry.sopClassUID == "1.2.840.10008.5.1.4.1.1.7")
        #expect(entry.attributes[DICOM.Tag.pixelData] == nil)
        #expect(InstanceIndex.Entry(attributes: QR.dataSet(["PatientID": "P"]), location: "x") == nil)
    }
}
