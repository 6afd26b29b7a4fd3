import DICOM

/// What an authorized user needs to find who a de-identified object was: the original Patient ID,
/// Patient Name and Study, Series and SOP Instance UIDs, each beside the value that replaced it.
/// It exists only sealed in a lookup file (`ReidentificationLookup`).
public struct ReidentificationRecord: Codable, Sendable, Equatable {
    /// One identifier before and after de-identification ("" when the object had none).
    public struct Mapping: Codable, Sendable, Equatable {
        public let original: String
        public let replacement: String

        public init(original: String, replacement: String) {
            self.original = original
            self.replacement = replacement
        }
    }

    public let patientID: Mapping
    public let patientName: Mapping
    public let studyInstanceUID: Mapping
    public let seriesInstanceUID: Mapping
    public let sopInstanceUID: Mapping

    static let patientNameTag = Tag(0x0010, 0x0010)
    static let studyInstanceUIDTag = Tag(0x0020, 0x000D)
    static let seriesInstanceUIDTag = Tag(0x0020, 0x000E)

    /// The record of one object, from its data set before and after `Deidentifier.deidentify`.
    public init(original: DataSet, deidentified: DataSet) {
        func mapping(_ tag: Tag) -> Mapping {
            Mapping(original: original.string(tag) ?? "", replacement: deidentified.string(tag) ?? "")
        }
        patientID = mapping(Deidentifier.patientID)
        patientName = mapping(Self.patientNameTag)
        studyInstanceUID = mapping(Self.studyInstanceUIDTag)
        seriesInstanceUID = mapping(Self.seriesInstanceUIDTag)
        sopInstanceUID = mapping(.sopInstanceUID)
    }

    /// Whether `uid` is the new Study, Series or SOP Instance UID of this object.
    public func hasReplacementUID(_ uid: String) -> Bool {
        [studyInstanceUID, seriesInstanceUID, sopInstanceUID].contains { $0.replacement == uid }
    }
}
