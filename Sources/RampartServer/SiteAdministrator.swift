import Access
import Archive
import Audit
import DICOMNetwork
import Foundation
import Scanner
import Synchronization
import Web

/// The REST admin API's changes to the data folder: the same files the command line changes
/// (accounts.json, services.json, ae-registry.json), which `serve` reads again when they
/// change. Each change is recorded as a security event of the principal who made it, after the
/// gate's decision that allowed it. Changes through the API are made one at a time; a command
/// line change at the same instant may still be lost to it (the files have no lock).
public struct SiteAdministrator: SiteAdministration {
    let dataDirectory: String
    /// For the status's counts; the command line, which changes accounts while `serve` holds
    /// the archive, has none.
    let archive: Archive?
    let audit: AuditTrail
    /// The PEM file of the certificate HTTPS serves with; nil: plain HTTP.
    let serverCertificate: String?
    let selfScan: SelfScan?
    /// The settings a running server lets change; nil at the command line.
    let runTimeSettings: RunTimeSettings?
    /// Serializes read-change-write of the files (shared by the copies of this value).
    private let writing = FileWriteLock()

    public init(dataDirectory: String, archive: Archive? = nil, audit: AuditTrail, serverCertificate: String? = nil, selfScan: SelfScan? = nil,
                runTimeSettings: RunTimeSettings? = nil) {
        self.runTimeSettings = runTimeSettings
        self.dataDirectory = dataDirectory
        self.archive = archive
        self.audit = audit
        self.serverCertificate = serverCertificate
        self.selfScan = selfScan
    }

    // MARK: Self-scan

    public func exposure(rescan: Bool) async throws(AdministrationError) -> ExposureReport {
        guard let selfScan else { throw .notFound("the self-scan runs in rampart serve; from the command line, run rampart scan") }
        let result = if !rescan, let latest = await selfScan.latest { latest } else { await selfScan.scan() }
        let report = result.report
        return ExposureReport(finished: AuditTime.text(result.finished), seconds: report.seconds,
                              endpoints: report.results.map(\.endpoint),
                              findings: report.findings.map {
                                  ExposureReport.Finding(id: $0.id, title: $0.title, severity: $0.severity.rawValue, target: $0.target,
                                                         evidence: $0.evidence, fix: $0.fix)
                              })
    }

    // MARK: Settings

    public func settings() throws(AdministrationError) -> [SettingRecord] {
        try liveSettings().records
    }

    public func changeSettings(_ values: [String: SettingValue], grant: Grant) throws(AdministrationError) -> [SettingRecord] {
        let runTimeSettings = try liveSettings()
        let changed = try runTimeSettings.change(values)
        if !changed.isEmpty {
            try record("changed settings at run time: " + changed.joined(separator: "; "), subject: AuditSubject(.file, Self.settingsFile),
                       type: .securityConfiguration, grant)
        }
        return runTimeSettings.records
    }

    private func liveSettings() throws(AdministrationError) -> RunTimeSettings {
        guard let runTimeSettings else { throw .notFound("settings change in a running server: use its REST API or web UI, or edit rampart.yaml") }
        return runTimeSettings
    }

    static let settingsFile = RunTimeSettings.fileName

    // MARK: Users

    public func users() throws(AdministrationError) -> [UserRecord] {
        try load(AccountsFile(dataDirectory: dataDirectory)).accounts.values.sorted { $0.name < $1.name }.map(Self.record)
    }

    public func addUser(_ user: NewUser, grant: Grant) throws(AdministrationError) -> IssuedCredential {
        do {
            try UserAccount.validate(name: user.name)
            if let personName = user.personName { try UserAccount.validate(personName: personName) }
        } catch {
            throw .invalid(error.description)
        }
        try checkRoles(user.roles)
        let (password, hash) = try Self.generatedPassword()
        try change(AccountsFile(dataDirectory: dataDirectory), account: "user \(user.name)", "added user \(user.name)", grant) { users throws(AdministrationError) in
            try Self.accounts { () throws(AccountError) in
                try users.add(UserAccount(name: user.name, roles: user.roles, password: hash, personName: user.personName))
            }
        }
        return IssuedCredential(name: user.name, secret: password, note: "the password is shown only now")
    }

    public func changeUser(_ name: String, _ change: UserChange, grant: Grant) throws(AdministrationError) -> UserRecord {
        if let roles = change.roles { try checkRoles(roles) }
        var what: [String] = []
        if let roles = change.roles { what.append("set the roles of user \(name) to \(roles.joined(separator: ", "))") }
        if let disabled = change.disabled { what.append("\(disabled ? "disabled" : "enabled") user \(name)") }
        if let personName = change.personName { what.append(personName.isEmpty ? "removed the person name of user \(name)" : "set the person name of user \(name)") }
        guard !what.isEmpty else { throw .invalid("the change names nothing to change: give roles, disabled or personName") }
        var changed: UserRecord?
        try self.change(AccountsFile(dataDirectory: dataDirectory), account: "user \(name)", what.joined(separator: "; "), grant) { users throws(AdministrationError) in
            try Self.accounts { () throws(AccountError) in
                if let roles = change.roles { try users.setRoles(roles, for: name) }
                if let disabled = change.disabled { try users.setDisabled(disabled, for: name) }
                if let personName = change.personName { try users.setPersonName(personName.isEmpty ? nil : personName, for: name) }
            }
            changed = users[name].map(Self.record)
        }
        guard let changed else { throw .notFound("there is no user \(name)") }
        return changed
    }

    public func removeUser(_ name: String, grant: Grant) throws(AdministrationError) {
        try change(AccountsFile(dataDirectory: dataDirectory), account: "user \(name)", "removed user \(name)", grant) { users throws(AdministrationError) in
            try Self.accounts { () throws(AccountError) in _ = try users.remove(name) }
        }
    }

    public func newPassword(for name: String, grant: Grant) throws(AdministrationError) -> IssuedCredential {
        guard try load(AccountsFile(dataDirectory: dataDirectory))[name] != nil else { throw .notFound("there is no user \(name)") }
        let (password, hash) = try Self.generatedPassword()
        try change(AccountsFile(dataDirectory: dataDirectory), account: "user \(name)", "set a new password for user \(name)", grant) { users throws(AdministrationError) in
            try Self.accounts { () throws(AccountError) in try users.setPassword(hash, for: name) }
        }
        return IssuedCredential(name: name, secret: password, note: "the password is shown only now")
    }

    /// A new generated password and its scrypt hash.
    private static func generatedPassword() throws(AdministrationError) -> (String, PasswordHash) {
        let password = GeneratedPassword.make()
        do {
            return (password, try PasswordHash.make(password: password))
        } catch {
            throw .failed("the password could not be hashed: \(error)")
        }
    }

    private static func record(_ account: UserAccount) -> UserRecord {
        UserRecord(name: account.name, roles: account.roles, disabled: account.disabled, personName: account.personName, secondFactor: account.totp != nil)
    }

    private static func accounts(_ body: () throws(AccountError) -> Void) throws(AdministrationError) {
        do {
            try body()
        } catch {
            switch error {
            case .unknown: throw .notFound(error.description)
            case .exists: throw .conflict(error.description)
            case .invalidName, .invalidPersonName: throw .invalid(error.description)
            }
        }
    }

    // MARK: Service accounts

    public func services() throws(AdministrationError) -> [ServiceRecord] {
        try load(ServiceAccountsFile(dataDirectory: dataDirectory)).accounts.values.sorted { $0.name < $1.name }.map(Self.record)
    }

    public func addService(_ service: NewService, grant: Grant) throws(AdministrationError) -> IssuedCredential {
        try checkRoles(service.roles)
        let scope = try service.scope.map { names throws(AdministrationError) in
            try Set(names.map { name throws(AdministrationError) in
                guard let action = AccessAction(rawValue: name), action != .associate else {
                    throw .invalid("\(name) is not an action a scope can name: use \(AccessAction.allCases.filter { $0 != .associate }.map(\.rawValue).joined(separator: ", "))")
                }
                return action
            })
        }
        let key = APIKey.make()
        try change(ServiceAccountsFile(dataDirectory: dataDirectory), account: "service \(service.name)", "added service \(service.name)", grant) { services throws(AdministrationError) in
            try Self.serviceAccounts { () throws(ServiceAccountError) in
                try services.add(ServiceAccount(name: service.name, roles: service.roles, scope: scope, keyDigest: APIKey.digest(of: key)))
            }
        }
        return IssuedCredential(name: service.name, secret: key, note: "the API key is shown only now; the server keeps only its SHA-256")
    }

    public func revokeService(_ name: String, grant: Grant) throws(AdministrationError) -> ServiceRecord {
        var revoked: ServiceRecord?
        try change(ServiceAccountsFile(dataDirectory: dataDirectory), account: "service \(name)", "revoked the API key of service \(name)", grant) { services throws(AdministrationError) in
            try Self.serviceAccounts { () throws(ServiceAccountError) in try services.revoke(name) }
            revoked = services.accounts[name].map(Self.record)
        }
        guard let revoked else { throw .notFound("there is no service \(name)") }
        return revoked
    }

    private static func record(_ account: ServiceAccount) -> ServiceRecord {
        ServiceRecord(name: account.name, roles: account.roles,
                      scope: account.scope.map { scope in AccessAction.allCases.filter(scope.contains).map(\.rawValue) }, revoked: account.revoked)
    }

    private static func serviceAccounts(_ body: () throws(ServiceAccountError) -> Void) throws(AdministrationError) {
        do {
            try body()
        } catch {
            switch error {
            case .unknown: throw .notFound(error.description)
            case .exists: throw .conflict(error.description)
            case .invalidName: throw .invalid(error.description)
            }
        }
    }

    // MARK: Application entities

    public func applicationEntities() throws(AdministrationError) -> [ApplicationEntityRecord] {
        try load(AERegistryFile(dataDirectory: dataDirectory)).entries.values.sorted { $0.title < $1.title }.map(Self.record)
    }

    public func putApplicationEntity(_ title: String, _ entity: ApplicationEntityChange,
                                     grant: Grant) throws(AdministrationError) -> ApplicationEntityRecord {
        let valid: String
        do {
            valid = try AETitle(title).value
        } catch {
            throw .invalid("\(LogText.printable(title)) is not an AE title: \(error)")
        }
        guard (1...65535).contains(entity.port) else { throw .invalid("port \(entity.port) is not a TCP port (1-65535)") }
        guard !entity.host.isEmpty, entity.host.count <= 255, entity.host.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw .invalid("host must be an address or a host name")
        }
        if let roles = entity.roles { try checkRoles(roles) }
        if let fingerprint = entity.certificateSHA256, fingerprint.count != 64 || !fingerprint.allSatisfy(\.isHexDigit) {
            throw .invalid("certificateSHA256 must be the certificate's SHA-256 in 64 hexadecimal digits")
        }
        var registered = AERegistry.Entry(title: valid, host: entity.host, port: entity.port, roles: entity.roles)
        try change(AERegistryFile(dataDirectory: dataDirectory), account: "ae \(valid)", Self.registration(Self.record(registered)), grant,
                   type: .securityConfiguration) { registry throws(AdministrationError) in
            // Re-registering must not quietly drop a certificate bound earlier.
            registered.certificateSHA256 = entity.certificateSHA256?.lowercased() ?? registry[valid]?.certificateSHA256
            registry.add(registered)
        }
        return Self.record(registered)
    }

    /// What a registration says, in the audit log and on the command line.
    public static func registration(_ entity: ApplicationEntityRecord) -> String {
        "registered \(entity.title) at \(entity.host):\(entity.port)" + (entity.certificateSHA256.map { ", bound to the client certificate sha256 \($0)" } ?? "")
    }


    public func removeApplicationEntity(_ title: String, grant: Grant) throws(AdministrationError) {
        try change(AERegistryFile(dataDirectory: dataDirectory), account: "ae \(title)", "removed \(title) from the AE registry", grant,
                   type: .securityConfiguration) { registry throws(AdministrationError) in
            guard registry.remove(title) != nil else { throw .notFound("\(LogText.printable(title)) is not registered") }
        }
    }

    private static func record(_ entry: AERegistry.Entry) -> ApplicationEntityRecord {
        ApplicationEntityRecord(title: entry.title, host: entry.host, port: entry.port, roles: entry.roles ?? [Role.modality.rawValue],
                                certificateSHA256: entry.certificateSHA256, legacyException: entry.certificateSHA256 == nil)
    }

    // MARK: Status and audit

    public func status(grant: Grant) throws(AdministrationError) -> ServerStatus {
        guard let archive else { throw .failed("the status needs the archive, which this process has not opened") }
        let counts: ArchiveCounts
        let last: UInt64
        do {
            counts = try archive.counts(grant: grant)
            last = try audit.store.lastSequence()
        } catch {
            throw .failed("\(error)")
        }
        let entities = try applicationEntities()
        return ServerStatus(version: RampartServer.version,
                            archive: .init(patients: counts.patients, studies: counts.studies, series: counts.series, instances: counts.instances),
                            users: try users().count, services: try services().count, applicationEntities: entities.count,
                            legacyExceptions: entities.filter(\.legacyException).map(\.title), auditRecords: last)
    }

    public func auditEvents(_ query: AuditQuery, grant: Grant) throws(AdministrationError) -> [RecordedAuditEvent] {
        try readAudit("an audit query", grant: grant) { try audit.store.events(matching: query) }
    }

    public func auditTimeline(_ period: AuditTimeline.Period, grant: Grant) throws(AdministrationError) -> AuditTimeline {
        try readAudit("an audit timeline", grant: grant) { try audit.store.timeline(period) }
    }

    public func auditAnomalies(from: Date, to: Date?, grant: Grant) throws(AdministrationError) -> [AuditAnomaly] {
        try readAudit("an anomaly report", grant: grant) { try AuditAnomalies(store: audit.store).find(from: from, to: to) }
    }

    /// What an audit grant reads of the trail; the store's errors become `failed`.
    private func readAudit<Answer>(_ what: String, grant: Grant, _ read: () throws -> Answer) throws(AdministrationError) -> Answer {
        guard grant.action == .audit else { throw .failed("\(what) needs an audit grant, not \(grant.action)") }
        do {
            return try read()
        } catch {
            throw .failed("\(error)")
        }
    }

    // MARK: Policy and certificates

    public func policy() throws(AdministrationError) -> PolicyDocument {
        let file = PolicyFile(dataDirectory: dataDirectory)
        do {
            let policy = try SitePolicy.load(dataDirectory: dataDirectory)
            return PolicyDocument(policy, yaml: file.exists ? try String(contentsOfFile: file.path, encoding: .utf8) : nil)
        } catch {
            throw .failed("\(error)")
        }
    }

    public func explain(_ question: PolicyQuestion) throws(AdministrationError) -> PolicyExplanation {
        do {
            let check = try PolicyCheck(question, dataDirectory: dataDirectory)
            return PolicyExplanation(check.explanation, context: check.context, action: question.action, notes: check.notes,
                                     policy: check.policySource, at: check.moment.description)
        } catch {
            throw .failed(error.description)
        }
    }

    public func certificates() throws(AdministrationError) -> CertificateReport {
        let localCA = LocalCertificateAuthorityFiles(dataDirectory: dataDirectory)
        let bound = try applicationEntities().compactMap { entity in
            entity.certificateSHA256.map { CertificateReport.Binding(title: entity.title, certificateSHA256: $0) }
        }
        return CertificateReport(server: try serverCertificate.map(Self.summary), localCA: localCA.exists ? try Self.summary(localCA.certificatePath) : nil,
                                 boundAEs: bound)
    }

    /// The certificate in a PEM file (only the certificate is read, never a key).
    private static func summary(_ path: String) throws(AdministrationError) -> CertificateSummary {
        do {
            return try CertificateSummary(pem: try String(contentsOfFile: path, encoding: .utf8), source: path)
        } catch {
            throw .failed("\(path) could not be read as a certificate: \(error)")
        }
    }

    // MARK: Files

    private func checkRoles(_ roles: [String]) throws(AdministrationError) {
        do {
            try SitePolicy.checkRoles(roles, in: try SitePolicy.load(dataDirectory: dataDirectory))
        } catch {
            throw .invalid(error.description)
        }
    }

    private func load<File: RecordsFile>(_ file: File) throws(AdministrationError) -> File.Directory {
        do {
            return try file.load()
        } catch {
            throw .failed("\(error)")
        }
    }

    /// Loads a records file, applies `body`, saves it, and records `what` (said after `body` ran)
    /// as a security event of the grant's principal naming `account` (never a password or key).
    private func change<File: RecordsFile>(_ file: File, account: String, _ what: @autoclosure () -> String, _ grant: Grant,
                                           type: AuditEventType = .userSecurityAttributesChanged,
                                           _ body: (inout File.Directory) throws(AdministrationError) -> Void) throws(AdministrationError) {
        try writing.mutex.withLock { _ throws(AdministrationError) in
            var directory = try load(file)
            try body(&directory)
            do {
                try file.save(directory)
            } catch {
                throw .failed("\(error)")
            }
        }
        try record(what(), subject: AuditSubject(.account, account), type: type, grant)
    }

    /// A change as a security event of the principal who made it, after the decision that allowed it.
    private func record(_ what: String, subject: AuditSubject, type: AuditEventType, _ grant: Grant) throws(AdministrationError) {
        let context = grant.context
        let event = AuditEvent(kind: .securityAlert, type: type, outcome: .success, actor: AuditTrail.actor(context), channel: context.channel.rawValue,
                               source: AuditTrail.source(context), action: AccessAction.administer.rawValue,
                               subjects: [subject], reason: what, follows: grant.decisionID.value)
        do {
            try audit.append(event)
        } catch {
            throw .failed("\(what), but the audit log could not record it: \(error)")
        }
    }
}

/// One lock for every copy of a `SiteAdministrator`: a class, as a `Mutex` cannot be copied.
private final class FileWriteLock: Sendable {
    let mutex = Mutex(())
}
