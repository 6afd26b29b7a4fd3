import Foundation

/// One access to explain without making it: who (a user, a service account or a registered AE,
/// or other roles), through which channel, from where, how authenticated, for what purpose,
/// when, and the object's data that study conditions read. What `rampart policy check` and
/// `POST /api/policy/explain` both take, read from the same words, so that both explain the
/// same access the same way.
public struct PolicyQuestion: Sendable, Hashable {
    public enum Asker: Sendable, Hashable {
        case user(String)
        case service(String)
        case applicationEntity(String)
    }

    public var asker: Asker
    /// Roles to decide for instead of the account's (a user of an external identity provider).
    public var roles: [String]
    public var action: AccessAction
    public var channel: AccessChannel
    /// The peer's address; nil: the AE's registered host, or 127.0.0.1.
    public var from: String?
    /// nil: password for a user, API key for a service, the registered AE title (or the
    /// certificate, when one is given) for an AE.
    public var authentication: AuthenticationStrength?
    public var purposeOfUse: String?
    public var certificateSHA256: String?
    /// nil: now.
    public var at: Date?
    /// The principal's DICOM person name; nil: the user account's.
    public var personName: String?
    /// For a store: the object's Institution Name (0008,0080) and Referring Physician's Name (0008,0090).
    public var institution: String?
    public var referringPhysician: String?

    /// The question from its words, as the command line's options and the REST request give
    /// them: exactly one of `user`, `ae` and `service`, and the names of the action, channel
    /// and authentication.
    public init(user: String?, ae: String?, service: String?, roles: [String] = [], action: String, channel: String = "dimse",
                from: String? = nil, authentication: String? = nil, purposeOfUse: String? = nil, certificateSHA256: String? = nil,
                at: String? = nil, personName: String? = nil, institution: String? = nil,
                referringPhysician: String? = nil) throws(PolicyQuestionError) {
        switch (user, ae, service) {
        case let (user?, nil, nil): asker = .user(user)
        case let (nil, ae?, nil): asker = .applicationEntity(ae)
        case let (nil, nil, service?): asker = .service(service)
        default: throw .askerNotOne
        }
        guard let action = AccessAction(rawValue: action) else { throw .unknownAction(action) }
        guard let channel = AccessChannel(rawValue: channel) else { throw .unknownChannel(channel) }
        if let authentication, AuthenticationStrength.byPolicyName[authentication] == nil { throw .unknownAuthentication(authentication) }
        if let certificateSHA256, certificateSHA256.count != 64 || !certificateSHA256.allSatisfy(\.isHexDigit) {
            throw .invalidCertificateSHA256
        }
        var date: Date?
        if let at {
            guard let parsed = ISO8601DateFormatter().date(from: at) else { throw .invalidTime(at) }
            date = parsed
        }
        self.roles = roles
        self.action = action
        self.channel = channel
        self.from = from
        self.authentication = authentication.flatMap { AuthenticationStrength.byPolicyName[$0] }
        self.purposeOfUse = purposeOfUse
        self.certificateSHA256 = certificateSHA256?.lowercased()
        self.at = date
        self.personName = personName
        self.institution = institution
        self.referringPhysician = referringPhysician
    }

    /// The access context the gate would see, from the accounts and the AE registry, with what
    /// the object to store carries, and notes on what the files do not say (an unknown user).
    public func context(users: UserDirectory, services: ServiceDirectory, registry: AERegistry) -> (AccessContext, AccessSubjects, notes: [String]) {
        var notes: [String] = []
        var context: AccessContext
        switch asker {
        case let .user(name):
            let account = users[name]
            if account == nil && roles.isEmpty { notes.append("\(name) is not in accounts.json: it would have no role (give a role to decide for an external user)") }
            context = AccessContext(principal: .user(name), roles: roles.isEmpty ? account?.roles ?? [] : roles, channel: channel,
                                    peerAddress: from ?? "127.0.0.1", authentication: authentication ?? .password)
            if account?.disabled == true { context.authenticationFailure = "the account of user \(name) is disabled" }
            context.personName = account?.personName
        case let .service(name):
            let account = services[name]
            if account == nil && roles.isEmpty { notes.append("\(name) is not in services.json: it would have no role") }
            context = AccessContext(principal: .service(name), roles: roles.isEmpty ? account?.roles ?? [] : roles, channel: channel,
                                    peerAddress: from ?? "127.0.0.1", authentication: authentication ?? .apiKey, scope: account?.scope)
            if account?.revoked == true { context.authenticationFailure = "the API key of service \(name) is revoked" }
        case let .applicationEntity(title):
            let entry = registry[title]
            if entry == nil { notes.append("\(title) is not in the AE registry (rampart ae list)") }
            context = AccessContext(principal: .applicationEntity(title), roles: roles, channel: channel,
                                    peerAddress: from ?? entry?.host ?? "127.0.0.1", callingAETitle: title,
                                    authentication: authentication ?? (certificateSHA256 == nil ? .registeredAE : .certificate))
        }
        context.purposeOfUse = purposeOfUse
        context.certificateFingerprint = certificateSHA256
        if let personName { context.personName = personName }
        var subjects = AccessSubjects.none
        if institution != nil || referringPhysician != nil {
            subjects.object = StudyAttributes(institutionName: institution, referringPhysicianName: referringPhysician)
        }
        return (context, subjects, notes)
    }
}

/// Why a question to the policy could not be read, naming what to give instead.
public enum PolicyQuestionError: Error, Sendable, Hashable, CustomStringConvertible {
    case askerNotOne
    case unknownAction(String)
    case unknownChannel(String)
    case unknownAuthentication(String)
    case invalidCertificateSHA256
    case invalidTime(String)

    public var description: String {
        switch self {
        case .askerNotOne:
            "name exactly one of user, ae and service"
        case let .unknownAction(name):
            "action \(LogText.printable(name)) is not one of \(AccessAction.allCases.map(\.rawValue).joined(separator: ", "))"
        case let .unknownChannel(name):
            "channel \(LogText.printable(name)) is not one of \(AccessChannel.allCases.map(\.rawValue).joined(separator: ", "))"
        case let .unknownAuthentication(name):
            "authentication \(LogText.printable(name)) is not one of \(AuthenticationStrength.byPolicyName.keys.sorted().joined(separator: ", "))"
        case .invalidCertificateSHA256:
            "the certificate's SHA-256 must be 64 hexadecimal digits"
        case let .invalidTime(text):
            "\(LogText.printable(text)) is not an ISO 8601 date and time with a zone, as 2026-11-24T22:30:00Z"
        }
    }
}
