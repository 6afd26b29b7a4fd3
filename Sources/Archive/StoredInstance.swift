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
    /// The blob's name in the archive's blob storage (relative to the local blob folder, or an
    /// object key). Not a file to open: readers get one with `Archive.localBlob(of:grant:)`.
    public let blobPath: String
    public let transferSyntax: TransferSyntax
    /// Size of the Part 10 file in bytes (the plaintext, when blobs are sealed).
    public let size: Int
    /// SHA-256 of the Part 10 file as filed (lowercase hex; the plaintext, when blobs are
    /// sealed), computed while it was written; nil for an object archived before Rampart
    /// recorded digests.
    public let sha256: String?
}
