import DICOM

/// Where one instance lives in a `BlobStore`: the three UIDs that place it, each validated.
public struct BlobKey: Sendable, Hashable {
    public let studyInstanceUID: ValidatedUID
    public let seriesInstanceUID: ValidatedUID
    public let sopInstanceUID: ValidatedUID

    public init(studyInstanceUID: ValidatedUID, seriesInstanceUID: ValidatedUID, sopInstanceUID: ValidatedUID) {
        self.studyInstanceUID = studyInstanceUID
        self.seriesInstanceUID = seriesInstanceUID
        self.sopInstanceUID = sopInstanceUID
    }

    /// Validates raw text; the first UID that fails is reported.
    public init(study: String, series: String, instance: String) throws(InvalidUID) {
        try self.init(studyInstanceUID: ValidatedUID(study), seriesInstanceUID: ValidatedUID(series),
                      sopInstanceUID: ValidatedUID(instance))
    }

    /// `<study UID>/<series UID>/<SOP instance UID>.dcm`, relative to the store's root. Readable
    /// by an operator with `ls`; a folder per series keeps folders to a few thousand entries for
    /// usual studies. No component can contain "/" or be "." or "..", as each is a valid UID.
    public var relativePath: String {
        "\(studyInstanceUID.value)/\(seriesInstanceUID.value)/\(sopInstanceUID.value).dcm"
    }
}
