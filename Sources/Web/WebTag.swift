import DICOM

/// The attributes the DICOMweb resources read or set themselves.
enum WebTag {
    static let specificCharacterSet = Tag(0x0008, 0x0005)
    static let sopClassUID = Tag(0x0008, 0x0016)
    static let sopInstanceUID = Tag(0x0008, 0x0018)
    static let queryRetrieveLevel = Tag(0x0008, 0x0052)
    static let retrieveURL = Tag(0x0008, 0x1190)
    static let patientID = Tag(0x0010, 0x0020)
    static let studyInstanceUID = Tag(0x0020, 0x000D)
    static let seriesInstanceUID = Tag(0x0020, 0x000E)
}
