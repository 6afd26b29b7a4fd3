import DICOM

/// A Query/Retrieve Information Model: the entity hierarchy an identifier is read against
/// (PS3.4 C.6). The model is fixed by the negotiated SOP Class, not by the identifier.
public enum QueryRetrieveModel: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// PATIENT, STUDY, SERIES, IMAGE (PS3.4 C.6.1).
    case patientRoot
    /// STUDY, SERIES, IMAGE; patient attributes are keys of the study (PS3.4 C.6.2).
    case studyRoot
    /// PATIENT and STUDY only (PS3.4 C.6.3, retired but still sent by some SCUs).
    case patientStudyOnly

    /// From a SOP class UID of the FIND/MOVE/GET families (1.2.840.10008.5.1.4.1.2.1.1/.2/.3
    /// patient root, .2.2.1/.2/.3 study root, .2.3.1/.2/.3 patient/study only); nil otherwise.
    /// Trailing NUL or space padding of a UID read off the wire is ignored.
    public init?(sopClassUID: String) {
        let uid = Self.trimmed(sopClassUID)
        guard let model = Self.allCases.first(where: { $0.sopClassUIDs.contains(uid) }) else { return nil }
        self = model
    }

    /// The C-FIND SOP classes of PS3.4 Table B.5-1, patient root first.
    public static let findSOPClasses: [String] = allCases.map(\.findSOPClassUID)
    /// The C-MOVE SOP classes of PS3.4 Table B.5-1, patient root first.
    public static let moveSOPClasses: [String] = allCases.map(\.moveSOPClassUID)
    /// The C-GET SOP classes of PS3.4 Table B.5-1, patient root first.
    public static let getSOPClasses: [String] = allCases.map(\.getSOPClassUID)

    public var findSOPClassUID: String { root + ".1" }
    public var moveSOPClassUID: String { root + ".2" }
    public var getSOPClassUID: String { root + ".3" }

    public func sopClassUID(for operation: QueryRetrieveOperation) -> String {
        switch operation {
        case .find: findSOPClassUID
        case .move: moveSOPClassUID
        case .get: getSOPClassUID
        }
    }

    /// The levels of the model, top first (PS3.4 C.6.1.1.1, C.6.2.1.1, C.6.3.1.1).
    public var levels: [QueryRetrieveLevel] {
        switch self {
        case .patientRoot: [.patient, .study, .series, .image]
        case .studyRoot: [.study, .series, .image]
        case .patientStudyOnly: [.patient, .study]
        }
    }

    public func supports(_ level: QueryRetrieveLevel) -> Bool { levels.contains(level) }

    /// The level whose entity an attribute describes in this model, following the key tables of
    /// PS3.4 C.6; nil for the attributes that steer a query rather than describe an entity
    /// (Specific Character Set, Retrieve AE Title, …), which are never matched.
    ///
    /// In the Study Root model the patient attributes belong to the study (Table C.6-5). An
    /// attribute that no table names is taken as an instance attribute ("All other Attributes
    /// at Instance Level"); in the Patient/Study Only model, as a study attribute.
    public func level(of tag: Tag) -> QueryRetrieveLevel? {
        guard let home = QueryKeyTables.homeLevel(of: tag) else { return nil }
        switch (self, home) {
        case (.studyRoot, .patient): return .study
        case (.patientStudyOnly, .series), (.patientStudyOnly, .image): return .study
        default: return home
        }
    }

    /// The Required Keys of a level (PS3.4 C.6.1.1.2-5, C.6.2.1.2-4): those whose unknown
    /// (zero-length) values match every key value (C.2.2.1.2).
    func requiredKeys(at level: QueryRetrieveLevel) -> Set<Tag> {
        switch (self, level) {
        case (.studyRoot, .study):
            // Table C.6-5: Patient's Name and Patient ID are Required Keys of the study.
            QueryKeyTables.requiredKeys(at: .study).union([QueryTag.patientName, QueryTag.patientID])
        default:
            QueryKeyTables.requiredKeys(at: level)
        }
    }

    public var description: String {
        switch self {
        case .patientRoot: "Patient Root"
        case .studyRoot: "Study Root"
        case .patientStudyOnly: "Patient/Study Only"
        }
    }

    private var root: String {
        switch self {
        case .patientRoot: "1.2.840.10008.5.1.4.1.2.1"
        case .studyRoot: "1.2.840.10008.5.1.4.1.2.2"
        case .patientStudyOnly: "1.2.840.10008.5.1.4.1.2.3"
        }
    }

    private var sopClassUIDs: [String] { [findSOPClassUID, moveSOPClassUID, getSOPClassUID] }

    static func trimmed(_ uid: String) -> String {
        TextValue.strip(uid[...], vr: .UI)
    }
}
