import Access
import Audit
import Foundation
import Web
import Logs

/// The data folder's audit log (`audit/audit.sqlite`, checkpoints signed with
/// `keys/audit-signing.key`) as the gate's recorder: every decision becomes an audit event before
/// it takes effect (DESIGN.md rule 2), and security events (sign-ins, start and stop, changes
/// of users, AEs and policy) are appended beside them.
public struct AuditTrail: DecisionRecorder {
    public static let relativePath = "audit/audit.sqlite"

    public let store: AuditStore
    /// The gate's decisions, the one record every access makes, share commits when they arrive
    /// together.
    private let decisions: AuditGroupCommit
    /// Called after each append, so an exporter sends the new record without waiting.
    private let appended: @Sendable () -> Void

    /// Opens the log for writing, creating it (and the signing key of a folder set up before
    /// the audit log existed) when missing.
    public init(dataDirectory: String, appended: @escaping @Sendable () -> Void = {}) throws(ServerSetupError) {
        let key = try AuditSigningKeyFile(dataDirectory: dataDirectory).loadOrCreate()
        try DataFolder.ensure(dataDirectory + "/audit")
        do {
            store = try AuditStore(path: dataDirectory + "/" + Self.relativePath, signingKey: key)
        } catch {
            throw ServerSetupError("\(error)")
        }
        decisions = AuditGroupCommit(store)
        self.appended = appended
    }

    /// The log opened for reading only, with the public key that verifies it.
    public static func reader(dataDirectory: String) throws(ServerSetupError) -> (AuditStore, AuditVerifyingKey) {
        let keyFile = AuditSigningKeyFile(dataDirectory: dataDirectory)
        guard let key = try keyFile.load() else {
            throw ServerSetupError("\(keyFile.path) is missing: without the audit signing key the log cannot be verified; run rampart init, or restore the key from a backup")
        }
        let path = dataDirectory + "/" + relativePath
        guard FileManager.default.fileExists(atPath: path) else {
            throw ServerSetupError("\(path) does not exist: nothing has been recorded in this data folder yet")
        }
        do {
            return (try AuditStore(path: path, signingKey: nil), key.publicKey)
        } catch {
            throw ServerSetupError("\(error)")
        }
    }

    public func record(_ decision: GateDecision) async throws -> DecisionID {
        let sequence = try await decisions.append(Self.event(for: decision))
        appended()
        return DecisionID(sequence)
    }

    /// Appends an event that is not a gate decision: a sign-in, a change, a start or stop.
    @discardableResult
    public func append(_ event: AuditEvent) throws(AuditError) -> UInt64 {
        let sequence = try store.append(event)
        appended()
        return sequence
    }

    /// Appends an event whose data has moved or whose change is made already, so that a failure
    /// to record it cannot refuse anything: the process log says what went unrecorded.
    func append(_ event: AuditEvent, orLog log: Log, what: String) {
        do {
            try append(event)
        } catch {
            log.error("the audit log could not record \(what): \(error)")
        }
    }

    /// A lockout is a security event of its own (the sign-in that caused it is recorded by its
    /// decision), and a line in the process log for the operator on duty.
    func recordLockout(_ locked: [String], _ context: AccessContext, log: Log) {
        let event = AuditEvent(kind: .securityAlert, type: .userSecurityAttributesChanged, outcome: .minorFailure,
                               actor: AuditActor(kind: "anonymous", name: ""), channel: context.channel.rawValue,
                               source: Self.source(context), subjects: locked.map { AuditSubject(.account, $0) },
                               reason: "\(locked.joined(separator: " and ")) locked after repeated failed sign-ins")
        append(event, orLog: log, what: "a lockout")
        log.warning("locked after repeated failed sign-ins: \(locked.map { LogText.printable($0) }.joined(separator: ", "))")
    }

    /// An event of the local operator at the command line, or of the files only the operator
    /// changes: a start or stop, a change of who may do what, a configuration file, a reading of
    /// the audit log.
    public static func operatorEvent(_ kind: AuditEventKind, type: AuditEventType? = nil, outcome: AuditOutcome = .success,
                                     action: AccessAction? = nil, subjects: [AuditSubject], reason: String) -> AuditEvent {
        AuditEvent(kind: kind, type: type, outcome: outcome, actor: operatorActor, channel: AccessChannel.cli.rawValue,
                   source: .local, action: action?.rawValue, subjects: subjects, reason: reason)
    }

    static let operatorActor = AuditActor(kind: "operator", name: "")

    /// Signs the end of the log: at shutdown, and after the command line's records.
    public func checkpoint() throws(AuditError) { try store.checkpoint() }

    /// The audit event of one gate decision: which PS3.15 A.5.3 message the action is, who asked
    /// from where on which device, what about, and what the gate said.
    static func event(for decision: GateDecision) -> AuditEvent {
        let context = decision.context
        let (kind, type): (AuditEventKind, AuditEventType?) = switch decision.action {
        case .associate: (.userAuthentication, .login)
        case .store: (.instancesTransferred, nil)
        case .query: (.query, nil)
        case .retrieve: (.beginTransferring, nil)
        case .delete: (.studyDeleted, nil)
        case .administer: (.securityAlert, .useOfRestrictedFunction)
        case .audit: (.auditLogUsed, nil)
        case .monitor: (.securityAlert, .useOfRestrictedFunction)
        }
        var subjects: [AuditSubject] = switch decision.resource {
        case .archive: []
        case let .study(uid): [AuditSubject(.study, uid)]
        case let .instance(uid): [AuditSubject(.instance, uid)]
        }
        let named = decision.subjects
        subjects += named.patientIDs.map { AuditSubject(.patient, $0) } + named.studyUIDs.map { AuditSubject(.study, $0) }
            + named.sopInstanceUIDs.map { AuditSubject(.instance, $0) }
        if let query = named.query {
            subjects.append(AuditSubject(.query, query.sopClassUID, detail: Data(query.identifier).base64EncodedString()))
        }
        return AuditEvent(kind: kind, type: decision.brokeTheGlass ? .emergencyOverrideStarted : type,
                          outcome: decision.allowed ? .success : .minorFailure, actor: actor(context), channel: context.channel.rawValue,
                          source: source(context), action: decision.action.rawValue, subjects: subjects, reason: decision.reason,
                          brokeTheGlass: decision.brokeTheGlass, purposeOfUse: context.purposeOfUse,
                          destination: named.destination.map(destination))
    }

    static func destination(_ destination: AccessDestination) -> AuditDestination {
        AuditDestination(aeTitle: destination.aeTitle, host: destination.host, port: destination.port)
    }

    /// What an allowed operation did to patient data: the patients and studies (with their
    /// instance counts) a retrieve sent, a query disclosed or a store filed, after the decision
    /// `grant` comes from. The data has moved already: a failure here is logged, not refused.
    /// `items` names what the list holds ("answers", "instances").
    /// `destination`: where a C-MOVE sends them.
    public func disclosed(_ kind: AuditEventKind, _ instances: [(patientID: String, studyUID: String)], items: String,
                          grant: Grant, destination: AuditDestination? = nil) throws(AuditError) {
        var counts: [String: Int] = [:]
        var patients: [String] = [], studies: [String] = []
        // An answer that does not show a patient ID or a study UID (a query that did not ask
        // for it) names nothing there.
        for (patient, study) in instances {
            if !patient.isEmpty, !patients.contains(patient) { patients.append(patient) }
            guard !study.isEmpty else { continue }
            if counts[study] == nil { studies.append(study) }
            counts[study, default: 0] += 1
        }
        let subjects = patients.map { AuditSubject(.patient, $0) } + studies.map { AuditSubject(.study, $0, detail: "\(counts[$0] ?? 0) \(items)") }
        try append(AuditEvent(kind: kind, outcome: .success, actor: Self.actor(grant.context), channel: grant.context.channel.rawValue,
                              source: Self.source(grant.context), action: grant.action.rawValue, subjects: subjects,
                              reason: "\(instances.count) \(items) of \(patients.count) patient(s) and \(studies.count) study(ies)", brokeTheGlass: grant.brokeTheGlass,
                              purposeOfUse: grant.context.purposeOfUse, follows: grant.decisionID.value, destination: destination))
    }

    /// A configuration file that changed while serving (policy.yaml): in force, or refused and why.
    func recordConfigurationChange(of path: String, problem: ServerSetupError?, log: Log) {
        append(Self.operatorEvent(.securityAlert, type: .securityConfiguration, outcome: problem == nil ? .success : .seriousFailure,
                                  subjects: [AuditSubject(.file, path)],
                                  reason: problem.map { "\(path) changed but was refused, the previous version stays in force: \($0)" }
                                      ?? "\(path) changed and is in force"),
               orLog: log, what: "the change of \(path)")
    }

    public static func actor(_ context: AccessContext) -> AuditActor {
        switch context.principal {
        case let .user(name): AuditActor(kind: "user", name: name, roles: context.roles)
        case let .service(name): AuditActor(kind: "service", name: name, roles: context.roles)
        case let .applicationEntity(title): AuditActor(kind: "ae", name: title, roles: context.roles)
        case .localOperator: operatorActor
        case .anonymous: AuditActor(kind: "anonymous", name: "")
        }
    }

    public static func source(_ context: AccessContext) -> AuditSource {
        AuditSource(address: context.peerAddress, ip: LocalCertificateAuthority.addressBytes(Gate.host(of: context.peerAddress)),
                    callingAETitle: context.callingAETitle, certificateFingerprint: context.certificateFingerprint)
    }
}

/// What DICOMweb responses disclose, recorded as DIMSE's are: query answers as patient
/// records, objects and metadata as instances transferred.
extension AuditTrail: DisclosureRecorder {
    public func disclosed(_ disclosure: Disclosure, grant: Grant) throws {
        switch disclosure.kind {
        case .answers: try disclosed(.patientRecord, disclosure.items, items: "answers", grant: grant)
        case .instances: try disclosed(.instancesTransferred, disclosure.items, items: "instances", grant: grant)
        case .deleted: try disclosed(.studyDeleted, disclosure.items, items: "instances deleted", grant: grant)
        }
    }

    /// A store the gate allowed and the archive then refused for what the object holds
    /// (unreadable, an invalid UID, a conflict, a duplicate), over DIMSE or DICOMweb: recorded
    /// after the decision it follows, so that the log shows nothing was filed, and why.
    public func refusedStore(_ reason: String, instance sopInstanceUID: String, grant: Grant) throws {
        try append(AuditEvent(kind: .instancesTransferred, outcome: .minorFailure, actor: Self.actor(grant.context),
                              channel: grant.context.channel.rawValue, source: Self.source(grant.context), action: grant.action.rawValue,
                              subjects: sopInstanceUID.isEmpty ? [] : [AuditSubject(.instance, sopInstanceUID)],
                              reason: "refused, nothing filed: \(reason)", brokeTheGlass: grant.brokeTheGlass,
                              purposeOfUse: grant.context.purposeOfUse, follows: grant.decisionID.value))
    }
}
