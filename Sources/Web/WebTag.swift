import DICOM

/// The attributes the DICOMweb resources read or set themselves.
enum WebTag {
    static let specificCharacterSet = Tag(0x0008, 0x0005)
    static let sopClassUID = Tag(0x0008, 0x0016)
    static let sopInstanceUID = Tag(0x0008, 0x0018)
    static let queryRetrieveLevel = Tag(0x0008, 0x0052)
    static let referencedSOPClassUID = Tag(0x0008, 0x1150)
    static let referencedSOPInstanceUID = Tag(0x0008, 0x1155)
    static let retrieveURL = Tag(0x0008, 0x1190)
    static let failureReason = Tag(0x0008, 0x1197)
    static let failedSOPSequence = Tag(0x0008, 0x1198)
    static let referencedSOPSequence = Tag(0x0008, 0x1199)
    static let patientID = Tag(0x0010, 0x0020)
    static let studyInstanceUID = Tag(0x0020, 0x000D)
    static let seriesInstanceUID = Tag(0x0020, 0x000E)
    static let photometricInterpretation = Tag(0x0028, 0x0004)
    static let planarConfiguration = Tag(0x0028, 0x0006)
    static let numberOfFrames = Tag(0x0028, 0x0008)
    static let pixelData = Tag(0x7FE0, 0x0010)
}
