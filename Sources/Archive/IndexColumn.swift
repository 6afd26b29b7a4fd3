import DICOM
import DICOMNetwork

/// An attribute the index keeps in a column of its own, so SQL can narrow a query before the
/// matcher sees the records. Names are fixed here: no SQL text is ever built from input.
struct IndexColumn: Sendable {
    enum Kind: Sendable {
        /// UI: List of UID Matching, exact.
        case uid
        /// Text compared as it is (LO, SH, CS): Single Value and Wild Card Matching.
        case text
        /// DA: Single Value and Range Matching.
        case date
        /// PN with a folded copy (`<name>Folded`: lower case, leading spaces trimmed; NULL when the
        /// name is not ASCII or has several component groups) that narrows prefix-like wild card
        /// keys (`QueryPlan`); other PN keys are left to the matcher.
        case personName
        /// Kept for responses and operators, never used to narrow (PN, TM, IS: their matching
        /// normalises, ignores case or compares numbers, which SQL would not reproduce).
        case stored
    }

    let tag: Tag
    /// "patient", "study", "series" or "instance".
    let table: String
    /// The table's alias in `QueryPlan` SQL.
    let alias: String
    let name: String
    let kind: Kind
    /// The level of the row the column lives in.
    let level: QueryRetrieveLevel

    var qualified: String { "\(alias).\(name)" }

    static let patient: [IndexColumn] = [
        IndexColumn(tag: ArchiveTag.patientID, table: "patient", alias: "p", name: "patientID", kind: .text, level: .patient),
        IndexColumn(tag: ArchiveTag.patientName, table: "patient", alias: "p", name: "patientName", kind: .personName, level: .patient),
        IndexColumn(tag: ArchiveTag.patientBirthDate, table: "patient", alias: "p", name: "patientBirthDate", kind: .date, level: .patient),
        IndexColumn(tag: ArchiveTag.patientSex, table: "patient", alias: "p", name: "patientSex", kind: .text, level: .patient),
    ]
    static let study: [IndexColumn] = [
        IndexColumn(tag: ArchiveTag.studyDate, table: "study", alias: "st", name: "studyDate", kind: .date, level: .study),
        IndexColumn(tag: ArchiveTag.studyTime, table: "study", alias: "st", name: "studyTime", kind: .stored, level: .study),
        IndexColumn(tag: ArchiveTag.accessionNumber, table: "study", alias: "st", name: "accessionNumber", kind: .text, level: .study),
        IndexColumn(tag: ArchiveTag.studyID, table: "study", alias: "st", name: "studyID", kind: .text, level: .study),
        IndexColumn(tag: ArchiveTag.studyDescription, table: "study", alias: "st", name: "studyDescription", kind: .text, level: .study),
        IndexColumn(tag: ArchiveTag.referringPhysicianName, table: "study", alias: "st", name: "referringPhysicianName", kind: .stored, level: .study),
        // Not a key of PS3.4 C.6: kept for the study conditions of a policy (`StudyScope`).
        IndexColumn(tag: ArchiveTag.institutionName, table: "study", alias: "st", name: "institutionName", kind: .stored, level: .study),
    ]
    static let series: [IndexColumn] = [
        IndexColumn(tag: ArchiveTag.modality, table: "series", alias: "se", name: "modality", kind: .text, level: .series),
        IndexColumn(tag: ArchiveTag.seriesNumber, table: "series", alias: "se", name: "seriesNumber", kind: .stored, level: .series),
        IndexColumn(tag: ArchiveTag.seriesDescription, table: "series", alias: "se", name: "seriesDescription", kind: .text, level: .series),
    ]
    static let instance: [IndexColumn] = [
        IndexColumn(tag: ArchiveTag.sopClassUID, table: "instance", alias: "i", name: "sopClassUID", kind: .uid, level: .image),
        IndexColumn(tag: ArchiveTag.instanceNumber, table: "instance", alias: "i", name: "instanceNumber", kind: .stored, level: .image),
    ]

    /// The Unique Keys, which are the rows' own identity columns.
    static let uniqueKeys: [IndexColumn] = [
        IndexColumn(tag: ArchiveTag.studyInstanceUID, table: "study", alias: "st", name: "studyInstanceUID", kind: .uid, level: .study),
        IndexColumn(tag: ArchiveTag.seriesInstanceUID, table: "series", alias: "se", name: "seriesInstanceUID", kind: .uid, level: .series),
        IndexColumn(tag: ArchiveTag.sopInstanceUID, table: "instance", alias: "i", name: "sopInstanceUID", kind: .uid, level: .image),
    ]

    /// The attribute columns of a table, filled from the entity's merged record.
    static func columns(of table: String) -> [IndexColumn] {
        switch table {
        case "patient": patient
        case "study": study
        case "series": series
        default: instance
        }
    }

    static let all: [IndexColumn] = patient + study + series + instance + uniqueKeys
}
