import Access
import Audit
import Foundation

/// What the REST admin API changes and reads, implemented by the server, which holds the data
/// folder's files. Every call comes with the grant the gate made for it: the implementation
/// records a change as a security event of the grant's principal.
public protocol SiteAdministration: Sendable {
    func users() throws(AdministrationError) -> [UserRecord]
    func addUser(_ user: NewUser, grant: Grant) throws(AdministrationError) -> IssuedCredential
    func changeUser(_ name: String, _ change: UserChange, grant: Grant) throws(AdministrationError) -> UserRecord
    func removeUser(_ name: String, grant: Grant) throws(AdministrationError)
    func newPassword(for name: String, grant: Grant) throws(AdministrationError) -> IssuedCredential
    func services() throws(AdministrationError) -> [ServiceRecord]
    func addService(_ service: NewService, grant: Grant) throws(AdministrationError) -> IssuedCredential
    func revokeService(_ name: String, grant: Grant) throws(AdministrationError) -> ServiceRecord
    func applicationEntities() throws(AdministrationError) -> [ApplicationEntityRecord]
    func putApplicationEntity(_ title: String, _ entity: ApplicationEntityChange, grant: Grant) throws(AdministrationError) -> ApplicationEntityRecord
    func removeApplicationEntity(_ title: String, grant: Grant) throws(AdministrationError)
    func status(grant: Grant) throws(AdministrationError) -> ServerStatus
    /// The audit log read through an `.audit` grant, whose decision is the Audit Log Used record.
    func auditEvents(_ query: AuditQuery, grant: Grant) throws(AdministrationError) -> [RecordedAuditEvent]
    /// The audit log's events counted per hour or day and outcome, through an `.audit` grant.
    func auditTimeline(_ period: AuditTimeline.Period, grant: Grant) throws(AdministrationError) -> AuditTimeline
    /// The accesses worth a look in a period (`to` nil: up to now), through an `.audit` grant.
    func auditAnomalies(from: Date, to: Date?, grant: Grant) throws(AdministrationError) -> [AuditAnomaly]
    /// The access policy in force and its file's text.
    func policy() throws(AdministrationError) -> PolicyDocument
    /// What the gate would decide for one access and why, granting and recording nothing.
    func explain(_ question: PolicyQuestion) throws(AdministrationError) -> PolicyExplanation
    /// The server's certificate, the local CA's and the AEs' bound certificates.
    func certificates() throws(AdministrationError) -> CertificateReport
    /// The server's self-scan: the latest (the start-up one, waited for if still running), or
    /// a new one when `rescan`.
    func exposure(rescan: Bool) async throws(AdministrationError) -> ExposureReport
    /// The settings that may change while the server runs, with their values in force.
    func settings() throws(AdministrationError) -> [SettingRecord]
    /// Changes some of them (by name), all or none; in force from the next association or
    /// request, kept across restarts, recorded.
    func changeSettings(_ values: [String: SettingValue], grant: Grant) throws(AdministrationError) -> [SettingRecord]
}

/// Why an administrative request could not be done, in words for the administrator.
public enum AdministrationError: Error, Sendable, CustomStringConvertible {
    /// No such user, service or AE (404).
    case notFound(String)
    /// It exists already, or the change contradicts the state (409).
    case conflict(String)
    /// The request itself is wrong: an unknown role, a bad name (400).
    case invalid(String)
    /// The server could not read or write its files (500, and the process log says why).
    case failed(String)

    public var description: String {
        switch self {
        case let .notFound(text), let .conflict(text), let .invalid(text), let .failed(text): text
        }
    }
}

/// A user account as the API shows it: never its password hash or one-time code secret.
public struct UserRecord: Codable, Sendable, Equatable {
    public var name: String
    public var roles: [String]
    public var disabled: Bool
    public var personName: String?
    public var secondFactor: Bool

    public init(name: String, roles: [String], disabled: Bool, personName: String?, secondFactor: Bool) {
        self.name = name
        self.roles = roles
        self.disabled = disabled
        self.personName = personName
        self.secondFactor = secondFactor
    }
}

public struct NewUser: Codable, Sendable {
    public var name: String
    public var roles: [String]
    public var personName: String?

    public init(name: String, roles: [String], personName: String? = nil) {
        self.name = name
        self.roles = roles
        self.personName = personName
    }
}

/// A change to a user; an absent field is left as it is, an empty person name removes it.
public struct UserChange: Codable, Sendable {
    public var roles: [String]?
    public var disabled: Bool?
    public var personName: String?

    public init(roles: [String]? = nil, disabled: Bool? = nil, personName: String? = nil) {
        self.roles = roles
        self.disabled = disabled
        self.personName = personName
    }
}

/// A generated password or API key, in the one answer that ever shows it.
public struct IssuedCredential: Codable, Sendable {
    public var name: String
    public var secret: String
    public var note: String

    public init(name: String, secret: String, note: String) {
        self.name = name
        self.secret = secret
        self.note = note
    }
}

/// A service account as the API shows it: never its key or its digest.
public struct ServiceRecord: Codable, Sendable, Equatable {
    public var name: String
    public var roles: [String]
    /// The actions the key may be used for at most; nil: what its roles allow.
    public var scope: [String]?
    public var revoked: Bool

    public init(name: String, roles: [String], scope: [String]?, revoked: Bool) {
        self.name = name
        self.roles = roles
        self.scope = scope
        self.revoked = revoked
    }
}

public struct NewService: Codable, Sendable {
    public var name: String
    public var roles: [String]
    public var scope: [String]?

    public init(name: String, roles: [String], scope: [String]? = nil) {
        self.name = name
        self.roles = roles
        self.scope = scope
    }
}

/// A registered AE as the API shows it.
public struct ApplicationEntityRecord: Codable, Sendable, Equatable {
    public var title: String
    public var host: String
    public var port: Int
    public var roles: [String]
    /// SHA-256 of the client certificate it is bound to, when it is.
    public var certificateSHA256: String?
    /// Let in by its title and host alone, without a credential: a legacy exception
    /// (DESIGN.md rule 3) a reviewer must see.
    public var legacyException: Bool

    public init(title: String, host: String, port: Int, roles: [String], certificateSHA256: String?, legacyException: Bool) {
        self.title = title
        self.host = host
        self.port = port
        self.roles = roles
        self.certificateSHA256 = certificateSHA256
        self.legacyException = legacyException
    }
}

/// A registration or re-registration. A certificate bound before stays bound unless another
/// is named (`rampart ae certificate` issues one and binds it).
public struct ApplicationEntityChange: Codable, Sendable {
    public var host: String
    public var port: Int
    public var roles: [String]?
    /// SHA-256 (hex) of the TLS client certificate that alone admits the AE from then on.
    public var certificateSHA256: String?

    public init(host: String, port: Int, roles: [String]? = nil, certificateSHA256: String? = nil) {
        self.host = host
        self.port = port
        self.roles = roles
        self.certificateSHA256 = certificateSHA256
    }
}

public struct ServerStatus: Codable, Sendable {
    public struct Counts: Codable, Sendable {
        public var patients, studies, series, instances: Int

        public init(patients: Int, studies: Int, series: Int, instances: Int) {
            self.patients = patients
            self.studies = studies
            self.series = series
            self.instances = instances
        }
    }

    public var version: String
    public var archive: Counts
    public var users: Int
    public var services: Int
    public var applicationEntities: Int
    /// The AE titles let in without a credential.
    public var legacyExceptions: [String]
    public var auditRecords: UInt64

    public init(version: String, archive: Counts, users: Int, services: Int, applicationEntities: Int, legacyExceptions: [String],
                auditRecords: UInt64) {
        self.version = version
        self.archive = archive
        self.users = users
        self.services = services
        self.applicationEntities = applicationEntities
        self.legacyExceptions = legacyExceptions
        self.auditRecords = auditRecords
    }
}
