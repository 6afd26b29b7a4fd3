import DICOM

/// Why an object was refused. Nothing of it was kept (DESIGN.md rule 6). Descriptions name
/// tags and UIDs, never patient data, so they can go to the process log.
public enum StoreRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file is not a readable DICOM Part 10 file.
    case unreadable(String)
    /// A required UID is missing.
    case missingAttribute(Tag)
    case invalidUID(Tag, InvalidUID)
    /// Media Storage SOP Instance UID (0002,0003) and SOP Instance UID (0008,0018) differ.
    case metaMismatch(meta: String, dataSet: String)
    /// The SOP Instance UID is archived and the duplicate policy is `reject`.
    case duplicate(sopInstanceUID: String)
    /// The object would put a study under a second patient, or a series under a second study.
    case hierarchyConflict(String)
    /// The object, or the archived study it would join, is outside the studies the grant
    /// reaches by their data (the study conditions of the policy).
    case outsideGrant(String)

    public var description: String {
        switch self {
        case .unreadable(let reason):
            "not a readable DICOM Part 10 file: \(reason)"
        case .missingAttribute(let tag):
            "the object has no \(tag), which the archive needs to file it"
        case let .invalidUID(tag, problem):
            "\(tag): \(problem)"
        case let .metaMismatch(meta, dataSet):
            "the file meta information names SOP instance \(meta) but the data set is \(dataSet): the file is inconsistent"
        case .duplicate(let uid):
            "SOP instance \(uid) is already archived and the duplicate policy is reject"
        case .hierarchyConflict(let what):
            "\(what): fix the object's identifiers (or reconcile the patient) before storing it"
        case .outsideGrant(let why):
            "\(why): the principal's roles do not reach that study (its policy's study conditions)"
        }
    }
}
