import DICOM

/// One archived object: what C-MOVE and C-GET need to send it, and where it is.
public struct StoredInstance: Sendable, Hashable {
    public let sopClassUID: String
    public let sopInstanceUID: String
    /// The patient it is filed under: its first Patient ID value, "" when it has none. What the
    /// audit log names as the patient whose data moved.
    public let patientID: String
    public let studyInstanceUID: String
    public let seriesInstanceUID: String
    /// Absolute path of the Part 10 file.
    public let path: String
    public let transferSyntax: TransferSyntax
    /// Size of the file in bytes.
    public let size: Int
    /// SHA-256 of the file as filed (lowercase hex), computed while it was written; nil for an
    /// object archived before Rampart recorded digests.
    public let sha256: String?
}
