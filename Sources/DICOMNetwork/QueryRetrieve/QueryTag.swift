import DICOM

/// The attribute tags the Query/Retrieve rules name (PS3.4 C.6 key tables, PS3.6 numbers).
///
/// Kept in a namespace of this folder rather than as `Tag` statics: other parts of DICOMNetwork
/// add public `Tag` members, and two files declaring the same static would not compile.
enum QueryTag {
    // Identifier control attributes (PS3.4 C.4.1.1.3)
    static let specificCharacterSet = Tag(0x0008, 0x0005)
    static let queryRetrieveLevel = Tag(0x0008, 0x0052)
    static let queryRetrieveView = Tag(0x0008, 0x0053)
    static let retrieveAETitle = Tag(0x0008, 0x0054)
    static let instanceAvailability = Tag(0x0008, 0x0056)
    static let timezoneOffsetFromUTC = Tag(0x0008, 0x0201)
    static let retrieveLocationUID = Tag(0x0040, 0xE011)
    static let storageMediaFileSetID = Tag(0x0088, 0x0130)
    static let storageMediaFileSetUID = Tag(0x0088, 0x0140)

    // Patient level
    static let patientName = Tag(0x0010, 0x0010)
    static let patientID = Tag(0x0010, 0x0020)
    static let patientBirthDate = Tag(0x0010, 0x0030)
    static let patientBirthTime = Tag(0x0010, 0x0032)
    static let numberOfPatientRelatedStudies = Tag(0x0020, 0x1200)
    static let numberOfPatientRelatedSeries = Tag(0x0020, 0x1202)
    static let numberOfPatientRelatedInstances = Tag(0x0020, 0x1204)

    // Study level
    static let studyDate = Tag(0x0008, 0x0020)
    static let studyTime = Tag(0x0008, 0x0030)
    static let accessionNumber = Tag(0x0008, 0x0050)
    static let studyID = Tag(0x0020, 0x0010)
    static let studyInstanceUID = Tag(0x0020, 0x000D)
    static let modalitiesInStudy = Tag(0x0008, 0x0061)
    static let sopClassesInStudy = Tag(0x0008, 0x0062)
    static let numberOfStudyRelatedSeries = Tag(0x0020, 0x1206)
    static let numberOfStudyRelatedInstances = Tag(0x0020, 0x1208)

    // Series level
    static let modality = Tag(0x0008, 0x0060)
    static let seriesNumber = Tag(0x0020, 0x0011)
    static let seriesInstanceUID = Tag(0x0020, 0x000E)
    static let seriesDate = Tag(0x0008, 0x0021)
    static let seriesTime = Tag(0x0008, 0x0031)
    static let numberOfSeriesRelatedInstances = Tag(0x0020, 0x1209)
    static let performedProcedureStepStartDate = Tag(0x0040, 0x0244)
    static let performedProcedureStepStartTime = Tag(0x0040, 0x0245)

    // Image (composite object instance) level
    static let instanceNumber = Tag(0x0020, 0x0013)
    static let sopInstanceUID = Tag(0x0008, 0x0018)
    static let sopClassUID = Tag(0x0008, 0x0016)
    static let acquisitionDate = Tag(0x0008, 0x0022)
    static let acquisitionTime = Tag(0x0008, 0x0032)
    static let contentDate = Tag(0x0008, 0x0023)
    static let contentTime = Tag(0x0008, 0x0033)
}
