import DICOM

/// The attributes of storage commitment's action and event information (PS3.4 Tables J.3-1,
/// J.3-2; PS3.6 for the tags).
enum StorageCommitmentTag {
    static let failureReason = Tag(0x0008, 0x1197)
    static let failedSOPSequence = Tag(0x0008, 0x1198)
    static let referencedSOPSequence = Tag(0x0008, 0x1199)
    static let referencedSOPClassUID = Tag(0x0008, 0x1150)
    static let referencedSOPInstanceUID = Tag(0x0008, 0x1155)
    static let transactionUID = Tag(0x0008, 0x1195)
}
