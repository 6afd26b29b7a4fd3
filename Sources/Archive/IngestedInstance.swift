import Access
import DICOM

/// An object read and validated for the index: its place, its attributes without bulk data,
/// and where its blob is.
struct IngestedInstance: Sendable {
    let key: BlobKey
    let sopClassUID: String
    /// The first Patient ID value, "" when there is none: the patient the object is filed under
    /// (as `InstanceIndex` groups patients).
    let patientKey: String
    /// False when Patient ID does not hold exactly one value (see `QueryPlan`).
    let patientIDIsSingle: Bool
    let attributes: DataSet
    let transferSyntaxUID: String
    var blobPath: String = ""
    var size: Int = 0
    var sha256: String = ""

    var sopInstanceUID: String { key.sopInstanceUID.value }
    var seriesInstanceUID: String { key.seriesInstanceUID.value }
    var studyInstanceUID: String { key.studyInstanceUID.value }

    /// The Modality values the in-memory index counts into Modalities in Study.
    var modalities: [String] { attributes[ArchiveTag.modality]?.strings.filter { !$0.isEmpty } ?? [] }

    /// What the study conditions of a policy read of the object, as the index column of its
    /// study would hold them if it were the study's only object.
    var studyAttributes: StudyAttributes {
        StudyAttributes(institutionName: AttributeText.column(ArchiveTag.institutionName, in: attributes),
                        referringPhysicianName: AttributeText.column(ArchiveTag.referringPhysicianName, in: attributes))
    }
}
