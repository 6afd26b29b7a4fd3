import DICOM

/// Query/Retrieve Level (0008,0052): the entity level a C-FIND, C-MOVE or C-GET works at
/// (PS3.4 C.6.1.1 and C.6.2.1), top of the hierarchy first.
public enum QueryRetrieveLevel: String, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    case patient = "PATIENT"
    case study = "STUDY"
    case series = "SERIES"
    case image = "IMAGE"

    /// The Unique Key of the level (PS3.4 C.6.1.1.2-5, C.6.2.1.2-4): one value identifies one entity.
    public var uniqueKey: Tag {
        switch self {
        case .patient: QueryTag.patientID
        case .study: QueryTag.studyInstanceUID
        case .series: QueryTag.seriesInstanceUID
        case .image: QueryTag.sopInstanceUID
        }
    }

    /// 0 for PATIENT, growing downwards.
    var depth: Int {
        switch self {
        case .patient: 0
        case .study: 1
        case .series: 2
        case .image: 3
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.depth < rhs.depth }

    public var description: String { rawValue }
}
