/// A coded value of an audit message (PS3.15 A.5.1 CodedValueType): code, coding scheme and
/// meaning, as `csd-code`, `codeSystemName` and `originalText`.
struct AuditCode: Sendable, Hashable {
    let code: String
    let system: String
    let meaning: String

    static func dcm(_ code: String, _ meaning: String) -> AuditCode { AuditCode(code: code, system: "DCM", meaning: meaning) }
    static func rfc3881(_ code: String, _ meaning: String) -> AuditCode { AuditCode(code: code, system: "RFC-3881", meaning: meaning) }
    /// A Rampart role or identifier type: "99" marks a private coding scheme (PS3.16 8.2).
    static func local(_ code: String, _ meaning: String) -> AuditCode { AuditCode(code: code, system: "99RAMPART", meaning: meaning) }

    // ActiveParticipant RoleIDCode (CID 402)
    static let application = dcm("110150", "Application")
    static let applicationLauncher = dcm("110151", "Application Launcher")
    static let destination = dcm("110152", "Destination Role ID")
    static let source = dcm("110153", "Source Role ID")
    static let destinationMedia = dcm("110154", "Destination Media")
    static let sourceMedia = dcm("110155", "Source Media")
    // MediaType (CID 405)
    static let uriMedia = dcm("110037", "URI")
    // ParticipantObjectIDTypeCode
    static let patientNumber = rfc3881("2", "Patient Number")
    static let userIdentifier = rfc3881("11", "User Identifier")
    static let uri = rfc3881("12", "URI")
    static let studyInstanceUID = dcm("110180", "Study Instance UID")
    static let sopClassUID = dcm("110181", "SOP Class UID")
    static let sopInstanceUID = local("sop-instance-uid", "SOP Instance UID")
    static let certificateFingerprint = local("certificate-sha256", "SHA-256 of an X.509 certificate")
    // EventTypeCode for an access that broke the glass (CID 403)
    static let emergencyOverride = dcm(AuditEventType.emergencyOverrideStarted.code, AuditEventType.emergencyOverrideStarted.meaning)
}
