import Foundation

/// One thing that happened, as the privacy officer reads it: who did what, from where, on which
/// device, through which channel, to which patients and studies, and whether it was allowed.
/// The fields are those of a DICOM audit message (PS3.15 A.5); `AuditMessage` writes one.
public struct AuditEvent: Sendable, Hashable, Codable {
    public var time: Date
    public var kind: AuditEventKind
    /// A finer code for the event (login, application start, emergency override...), when the
    /// kind has several.
    public var type: AuditEventType?
    public var outcome: AuditOutcome
    public var actor: AuditActor
    /// dimse, dicomweb, rest, ui or cli.
    public var channel: String
    public var source: AuditSource
    /// The gate action (associate, store, query, retrieve, delete, administer), for an access.
    public var action: String?
    /// The patients, studies and other objects concerned (participant objects).
    public var subjects: [AuditSubject]
    /// Why it was allowed or denied, or what changed: never patient data.
    public var reason: String
    /// An emergency access: allowed, and to be reviewed.
    public var brokeTheGlass: Bool
    /// The purpose of use the principal declared (HL7 PurposeOfUse, such as TREAT or ETREAT).
    public var purposeOfUse: String?
    /// For what an allowed operation did (the patients and studies a retrieve sent, a query
    /// disclosed, a store filed): the sequence number of the gate decision it follows. Nil for
    /// a decision and for a security event.
    public var follows: UInt64?
    /// Where a retrieve sends the data when that is not the requestor (a C-MOVE's destination).
    public var destination: AuditDestination?
    /// How many times a coalesced security alert happened since the previous record of the same
    /// alert (this one included); nil for an event recorded each time it happens.
    public var occurrences: Int?

    public init(time: Date = Date(), kind: AuditEventKind, type: AuditEventType? = nil, outcome: AuditOutcome, actor: AuditActor,
                channel: String, source: AuditSource, action: String? = nil, subjects: [AuditSubject] = [], reason: String,
                brokeTheGlass: Bool = false, purposeOfUse: String? = nil, follows: UInt64? = nil, destination: AuditDestination? = nil,
                occurrences: Int? = nil) {
        self.time = time
        self.kind = kind
        self.type = type
        self.outcome = outcome
        self.actor = actor
        self.channel = channel
        self.source = source
        self.action = action
        self.subjects = subjects
        self.reason = reason
        self.brokeTheGlass = brokeTheGlass
        self.purposeOfUse = purposeOfUse
        self.follows = follows
        self.destination = destination
        self.occurrences = occurrences
    }

    /// The patient IDs among the subjects.
    public var patientIDs: [String] { subjects.filter { $0.kind == .patient }.map(\.id) }
    /// The study instance UIDs among the subjects.
    public var studyUIDs: [String] { subjects.filter { $0.kind == .study }.map(\.id) }
}

/// The audit message an event is (PS3.15 A.5.3), with its EventID code (DCM, CID 400).
public enum AuditEventKind: String, Sendable, Hashable, Codable, CaseIterable {
    case applicationActivity = "application-activity"
    case auditLogUsed = "audit-log-used"
    case beginTransferring = "begin-transferring"
    case instancesAccessed = "instances-accessed"
    case instancesTransferred = "instances-transferred"
    case studyDeleted = "study-deleted"
    case export
    case `import`
    case patientRecord = "patient-record"
    case query
    case securityAlert = "security-alert"
    case userAuthentication = "user-authentication"

    /// The EventID code value (DCM).
    public var code: String {
        switch self {
        case .applicationActivity: "110100"
        case .auditLogUsed: "110101"
        case .beginTransferring: "110102"
        case .instancesAccessed: "110103"
        case .instancesTransferred: "110104"
        case .studyDeleted: "110105"
        case .export: "110106"
        case .import: "110107"
        case .patientRecord: "110110"
        case .query: "110112"
        case .securityAlert: "110113"
        case .userAuthentication: "110114"
        }
    }

    /// The EventID's code meaning.
    public var meaning: String {
        switch self {
        case .applicationActivity: "Application Activity"
        case .auditLogUsed: "Audit Log Used"
        case .beginTransferring: "Begin Transferring DICOM Instances"
        case .instancesAccessed: "DICOM Instances Accessed"
        case .instancesTransferred: "DICOM Instances Transferred"
        case .studyDeleted: "DICOM Study Deleted"
        case .export: "Export"
        case .import: "Import"
        case .patientRecord: "Patient Record"
        case .query: "Query"
        case .securityAlert: "Security Alert"
        case .userAuthentication: "User Authentication"
        }
    }
}

/// The EventTypeCode of a message (DCM, CID 401 and 402).
public enum AuditEventType: String, Sendable, Hashable, Codable, CaseIterable {
    case applicationStart = "application-start"
    case applicationStop = "application-stop"
    case login
    case logout
    case nodeAuthentication = "node-authentication"
    case emergencyOverrideStarted = "emergency-override-started"
    case networkConfiguration = "network-configuration"
    case securityConfiguration = "security-configuration"
    case softwareConfiguration = "software-configuration"
    case useOfRestrictedFunction = "use-of-restricted-function"
    case userSecurityAttributesChanged = "user-security-attributes-changed"
    case securityRolesChanged = "security-roles-changed"
    /// Connections refused over the association limits: CID 401 has no code for it, so a private
    /// one (as dcm4chee records its association failures under 99DCM4CHEE).
    case associationLimitExceeded = "association-limit-exceeded"
    /// A connection the server aborted because the peer broke the DICOM protocol (a PDU or DIMSE
    /// message that cannot be decoded, or longer than allowed): hostile input. Private, as above.
    case protocolViolation = "protocol-violation"
    /// An HTTP request refused as malformed (400): one the HTTP parser cannot read (an oversized
    /// header, say), or a path or parameter no route can read (a UID with letters, a traversal).
    /// Private, as above.
    case malformedRequest = "malformed-request"

    public var code: String {
        switch self {
        case .applicationStart: "110120"
        case .applicationStop: "110121"
        case .login: "110122"
        case .logout: "110123"
        case .nodeAuthentication: "110126"
        case .emergencyOverrideStarted: "110127"
        case .networkConfiguration: "110128"
        case .securityConfiguration: "110129"
        case .softwareConfiguration: "110131"
        case .useOfRestrictedFunction: "110132"
        case .userSecurityAttributesChanged: "110136"
        case .securityRolesChanged: "110137"
        case .associationLimitExceeded: "association-limit-exceeded"
        case .protocolViolation: "protocol-violation"
        case .malformedRequest: "malformed-request"
        }
    }

    /// DCM, or 99RAMPART for Rampart's own codes ("99" marks a private coding scheme, PS3.16 8.2).
    public var codingScheme: String {
        switch self {
        case .associationLimitExceeded, .protocolViolation, .malformedRequest: "99RAMPART"
        case .applicationStart, .applicationStop, .login, .logout, .nodeAuthentication, .emergencyOverrideStarted, .networkConfiguration,
             .securityConfiguration, .softwareConfiguration, .useOfRestrictedFunction, .userSecurityAttributesChanged, .securityRolesChanged:
            "DCM"
        }
    }

    public var meaning: String {
        switch self {
        case .applicationStart: "Application Start"
        case .applicationStop: "Application Stop"
        case .login: "Login"
        case .logout: "Logout"
        case .nodeAuthentication: "Node Authentication"
        case .emergencyOverrideStarted: "Emergency Override Started"
        case .networkConfiguration: "Network Configuration"
        case .securityConfiguration: "Security Configuration"
        case .softwareConfiguration: "Software Configuration"
        case .useOfRestrictedFunction: "Use of Restricted Function"
        case .userSecurityAttributesChanged: "User Security Attributes Changed"
        case .securityRolesChanged: "Security Roles Changed"
        case .associationLimitExceeded: "Association Limit Exceeded"
        case .protocolViolation: "DICOM Protocol Violation"
        case .malformedRequest: "Malformed HTTP Request"
        }
    }
}

/// EventOutcomeIndicator (PS3.15 A.5.1): what became of the attempt.
public enum AuditOutcome: Int, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case success = 0
    /// Refused: the gate denied it, or a credential failed.
    case minorFailure = 4
    /// The action was allowed but could not be done.
    case seriousFailure = 8
    case majorFailure = 12

    public var description: String {
        switch self {
        case .success: "success"
        case .minorFailure: "denied"
        case .seriousFailure: "failed"
        case .majorFailure: "major-failure"
        }
    }

    public init?(name: String) {
        guard let outcome = Self.allCases.first(where: { $0.description == name }) else { return nil }
        self = outcome
    }
}

/// Who acted: a user, a service account, a registered AE, the local operator, or nobody
/// authenticated; with the roles it acted with.
public struct AuditActor: Sendable, Hashable, Codable, CustomStringConvertible {
    /// user, service, ae, operator or anonymous.
    public var kind: String
    /// The user or service name, the AE title; empty for the operator and the anonymous.
    public var name: String
    public var roles: [String]

    public init(kind: String, name: String, roles: [String] = []) {
        self.kind = kind
        self.name = name
        self.roles = roles
    }

    public var description: String { name.isEmpty ? kind : "\(kind) \(name)" }
}

/// Where the access came from, and on which device.
public struct AuditSource: Sendable, Hashable, Codable {
    /// "ip:port", "[ipv6]:port", or "local" for the command line.
    public var address: String
    /// The peer's IP address as 16 bytes (IPv4 as ::ffff:a.b.c.d), what `--source CIDR` queries
    /// match; nil for the command line.
    public var ip: [UInt8]?
    public var callingAETitle: String?
    /// SHA-256 of the TLS client certificate (lowercase hex).
    public var certificateFingerprint: String?

    public init(address: String, ip: [UInt8]? = nil, callingAETitle: String? = nil, certificateFingerprint: String? = nil) {
        self.address = address
        self.ip = ip.map(Self.sixteenBytes)
        self.callingAETitle = callingAETitle
        self.certificateFingerprint = certificateFingerprint
    }

    public static let local = AuditSource(address: "local")

    /// An IPv4 address (4 bytes) as IPv4-mapped IPv6, so one index orders every address.
    public static func sixteenBytes(_ bytes: [UInt8]) -> [UInt8] {
        bytes.count == 4 ? Array(repeating: 0, count: 10) + [0xFF, 0xFF] + bytes : bytes
    }
}

/// One participant object of an event: a patient, a study, an account...
public struct AuditSubject: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// `id` is the Patient ID.
        case patient
        /// `id` is the Study Instance UID.
        case study
        /// `id` is a SOP Instance UID.
        case instance
        /// `id` is the SOP Class UID of a query; `detail` its identifier, base64 of its Explicit VR
        /// Little Endian encoding (PS3.15 A.5.3.12 ParticipantObjectQuery).
        case query
        /// `id` is a user or service account name, or an AE title, whose security attributes changed.
        case account
        /// `id` is a file or a folder (an import, an export, a configuration file).
        case file
        /// `id` is the audit log itself (Audit Log Used).
        case auditLog = "audit-log"
    }

    public var kind: Kind
    public var id: String
    /// What else identifies it: the number of instances of a study, the query of a query.
    public var detail: String?

    public init(_ kind: Kind, _ id: String, detail: String? = nil) {
        self.kind = kind
        self.id = id
        self.detail = detail
    }
}
