/// Who is asking, through which channel, from where, and how sure we are of it: what the gate
/// decides on (DESIGN.md "How data flows").
public struct AccessContext: Sendable, Hashable {
    public var principal: Principal
    /// The role names a user holds (its account's roles); a registered AE's roles come from the
    /// AE registry, the local operator's are `admin`'s (`Gate` resolves them).
    public var roles: [String]
    public var channel: AccessChannel
    /// "ip:port" of the peer, or "local" for the command line.
    public var peerAddress: String
    /// The calling AE title, for DIMSE.
    public var callingAETitle: String?
    /// SHA-256 of the peer's TLS client certificate (hex), when it presented one.
    public var certificateFingerprint: String?
    public var authentication: AuthenticationStrength
    /// Why a credential the peer presented did not prove who it claimed to be (a wrong
    /// password, say): the gate denies such a request whatever else is true of it, and records why.
    public var authenticationFailure: String?
    /// Why the principal says it acts (HL7 PurposeOfUse codes, such as TREAT or ETREAT), from a
    /// token's `purpose_of_use` claim: policy rules may require one, and the emergency purpose
    /// breaks the glass.
    public var purposeOfUse: String?
    /// The actions the credential may be used for at most, whatever the roles allow (a service
    /// account's API key scope); nil: no cap. See `scopeDenial(of:)`.
    public var scope: Set<AccessAction>?
    /// The principal's own DICOM person name ("Family^Given"), from its user account: what a
    /// study condition `referredByPrincipal` compares Referring Physician's Name with.
    public var personName: String?

    public init(principal: Principal, roles: [String] = [], channel: AccessChannel, peerAddress: String, callingAETitle: String? = nil,
                certificateFingerprint: String? = nil, authentication: AuthenticationStrength, authenticationFailure: String? = nil,
                purposeOfUse: String? = nil, scope: Set<AccessAction>? = nil, personName: String? = nil) {
        self.principal = principal
        self.roles = roles
        self.channel = channel
        self.peerAddress = peerAddress
        self.callingAETitle = callingAETitle
        self.certificateFingerprint = certificateFingerprint
        self.authentication = authentication
        self.authenticationFailure = authenticationFailure
        self.purposeOfUse = purposeOfUse
        self.scope = scope
        self.personName = personName
    }
}

/// Whose access it is.
public enum Principal: Sendable, Hashable, CustomStringConvertible {
    /// A person, authenticated by password or token.
    case user(String)
    /// A service account (automation), authenticated by its API key.
    case service(String)
    /// A registered application entity (a modality or another archive), by its AE title.
    case applicationEntity(String)
    /// The local operator at the command line, trusted by holding the data folder.
    case localOperator
    /// Nobody authenticated.
    case anonymous

    public var description: String {
        switch self {
        case let .user(name): "user \(name)"
        case let .service(name): "service \(name)"
        case let .applicationEntity(title): "AE \(title)"
        case .localOperator: "local operator"
        case .anonymous: "anonymous"
        }
    }
}

public enum AccessChannel: String, Sendable, Hashable, CaseIterable {
    case dimse, dicomweb, rest, ui, cli
}

/// How the principal was authenticated, weakest first.
public enum AuthenticationStrength: Int, Sendable, Hashable, Comparable, CustomStringConvertible {
    case none = 0
    /// A registered AE title from a registered host, without a credential.
    case registeredAE = 1
    case password = 2
    /// A service account's API key: 256 random bits, so above a password (it cannot be guessed
    /// or reused from another site), but below a token (it does not expire by itself and is not
    /// bound to a person or a device, so a leaked key works until it is revoked).
    case apiKey = 3
    case token = 4
    case certificate = 5
    /// A password and a one-time code from the user's authenticator (two factors).
    case mfa = 6

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .none: "nothing"
        case .registeredAE: "registered AE title and host"
        case .password: "password"
        case .apiKey: "API key"
        case .token: "token"
        case .certificate: "certificate"
        case .mfa: "password and one-time code"
        }
    }
}

extension AuthenticationStrength {
    /// The names a policy file's `authentication` condition and `rampart policy check --auth`
    /// use for each way a principal can be authenticated.
    public static let byPolicyName: [String: AuthenticationStrength] = [
        "registered-ae": .registeredAE, "password": .password, "api-key": .apiKey, "token": .token,
        "certificate": .certificate, "mfa": .mfa,
    ]
}
