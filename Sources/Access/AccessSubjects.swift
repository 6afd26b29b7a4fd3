import DICOM

/// The patients, studies and instances a request names before any data moves, and the query it
/// asks: what the audit record of its decision lists. For a store, also the data that the
/// study conditions of a policy read, which the audit record leaves out (institution and
/// physician names are identifying: PS3.15 Annex E).
public struct AccessSubjects: Sendable, Hashable {
    public var patientIDs: [String]
    public var studyUIDs: [String]
    public var sopInstanceUIDs: [String]
    /// A query's SOP class and identifier (Explicit VR Little Endian), for C-FIND, C-MOVE and C-GET.
    public var query: AccessQuery?
    /// The object to store, as study conditions read it.
    public var object: StudyAttributes?
    /// The archived study the object would join, as the index keeps it; nil when it is new.
    public var archivedStudy: StudyAttributes?
    /// Where a retrieve sends the data, when not back to the requestor (a C-MOVE).
    public var destination: AccessDestination?

    public init(patientIDs: [String] = [], studyUIDs: [String] = [], sopInstanceUIDs: [String] = [], query: AccessQuery? = nil,
                object: StudyAttributes? = nil, archivedStudy: StudyAttributes? = nil, destination: AccessDestination? = nil) {
        self.patientIDs = patientIDs
        self.studyUIDs = studyUIDs
        self.sopInstanceUIDs = sopInstanceUIDs
        self.query = query
        self.object = object
        self.archivedStudy = archivedStudy
        self.destination = destination
    }

    public static let none = AccessSubjects()

    /// What a query names before it runs, whichever channel asks it (C-FIND, C-MOVE, C-GET,
    /// QIDO-RS): its identifier, and the Patient IDs and Study Instance UIDs it asks for by
    /// value (not a wildcard or a range).
    public init(query identifier: DataSet, sopClassUID: String) {
        let exact = { (text: String) in !text.isEmpty && !text.contains(where: { "*?-".contains($0) }) }
        // An identifier decoded from the wire encodes again; should one not, the record keeps its keys' values.
        let encoded = (try? identifier.encoded(in: .explicitVRLittleEndian)) ?? []
        self.init(patientIDs: identifier.strings(Self.patientID).filter(exact), studyUIDs: identifier.strings(Self.studyInstanceUID).filter(exact),
                  query: AccessQuery(sopClassUID: sopClassUID, identifier: encoded))
    }

    private static let patientID = Tag(0x0010, 0x0020)
    private static let studyInstanceUID = Tag(0x0020, 0x000D)
}

/// A query as asked.
public struct AccessQuery: Sendable, Hashable {
    public var sopClassUID: String
    /// The identifier, encoded Explicit VR Little Endian (PS3.15 A.5.3.12 ParticipantObjectQuery).
    public var identifier: [UInt8]

    public init(sopClassUID: String, identifier: [UInt8]) {
        self.sopClassUID = sopClassUID
        self.identifier = identifier
    }
}
