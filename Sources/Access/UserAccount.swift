import Foundation

/// A person who may sign in: name, roles and password hash. Roles are names the policy of the
/// security issue gives meaning to; `admin` is the one `rampart init` creates.
public struct UserAccount: Sendable, Hashable, Codable {
    public var name: String
    public var roles: [String]
    public var password: PasswordHash
    /// A disabled account keeps its history but cannot sign in.
    public var disabled: Bool
    /// The second factor: when set, a sign-in's passcode is the password followed by the
    /// current 6-digit code (`rampart user totp enable`).
    public var totp: TOTP?
    /// The user's own DICOM person name ("Family^Given"), as studies name the user as their
    /// referring physician: a policy's `referring_physician: self` reaches the studies it referred.
    public var personName: String?

    public init(name: String, roles: [String], password: PasswordHash, disabled: Bool = false, totp: TOTP? = nil, personName: String? = nil) {
        self.name = name
        self.roles = roles
        self.password = password
        self.disabled = disabled
        self.totp = totp
        self.personName = personName
    }

    private enum CodingKeys: String, CodingKey {
        case name, roles, password, disabled
        case totp = "totp_secret"
        case personName = "person_name"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(roles, forKey: .roles)
        try container.encode(password, forKey: .password)
        try container.encode(disabled, forKey: .disabled)
        try container.encodeIfPresent(totp?.base32Secret, forKey: .totp)
        try container.encodeIfPresent(personName, forKey: .personName)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        roles = try container.decode([String].self, forKey: .roles)
        password = try container.decode(PasswordHash.self, forKey: .password)
        // Accounts files written before accounts could be disabled have no such key.
        disabled = try container.decodeIfPresent(Bool.self, forKey: .disabled) ?? false
        if let secret = try container.decodeIfPresent(String.self, forKey: .totp) {
            guard let totp = TOTP(base32Secret: secret) else {
                throw DecodingError.dataCorruptedError(forKey: .totp, in: container, debugDescription: "totp_secret of \(name) is not base32 of 10 bytes or more")
            }
            self.totp = totp
        }
        if let personName = try container.decodeIfPresent(String.self, forKey: .personName) {
            do {
                try Self.validate(personName: personName)
            } catch {
                throw DecodingError.dataCorruptedError(forKey: .personName, in: container, debugDescription: "person_name of \(name): \(error)")
            }
            self.personName = personName
        }
    }

    /// A DICOM person name (PS3.5 6.2, PN): at most five components separated by "^" in each of
    /// at most three groups separated by "=", no "\\" (a second value) and no control character,
    /// 64 characters a group at most, and a family or given name.
    public static func validate(personName: String) throws(AccountError) {
        let groups = personName.split(separator: "=", omittingEmptySubsequences: false)
        let valid = groups.count <= 3 && groups.allSatisfy { $0.count <= 64 && $0.split(separator: "^", omittingEmptySubsequences: false).count <= 5 }
            && !personName.contains("\\") && !personName.unicodeScalars.contains { $0.properties.generalCategory == .control }
            && !PersonNameKey(personName).value.isEmpty
        guard valid else { throw .invalidPersonName(personName) }
    }

    /// Names people can type and logs can show: letters, digits, `.`, `_`, `-`, `@`; 1-64 long.
    public static func validate(name: String) throws(AccountError) {
        let allowed = name.unicodeScalars.allSatisfy {
            ($0.properties.isAlphabetic && $0.isASCII) || ("0"..."9").contains($0) || ".-_@".unicodeScalars.contains($0)
        }
        guard (1...64).contains(name.count), allowed else {
            throw .invalidName(name)
        }
    }
}

/// The accounts that can authenticate, by name.
public struct UserDirectory: Sendable, Hashable {
    public private(set) var accounts: [String: UserAccount] = [:]

    /// Verifies against this when the name is unknown, so an unknown name costs as much time as
    /// a wrong password and timing does not reveal which names exist.
    private static let decoy = try? PasswordHash.make(password: "decoy", cost: .recommended)

    public init(_ accounts: [UserAccount] = []) {
        for account in accounts { self.accounts[account.name] = account }
    }

    public subscript(name: String) -> UserAccount? { accounts[name] }

    public var isEmpty: Bool { accounts.isEmpty }

    public mutating func add(_ account: UserAccount) throws(AccountError) {
        try UserAccount.validate(name: account.name)
        guard accounts[account.name] == nil else { throw .exists(account.name) }
        accounts[account.name] = account
    }

    public mutating func setPassword(_ password: PasswordHash, for name: String) throws(AccountError) {
        guard accounts[name] != nil else { throw .unknown(name) }
        accounts[name]?.password = password
    }

    public mutating func setDisabled(_ disabled: Bool, for name: String) throws(AccountError) {
        guard accounts[name] != nil else { throw .unknown(name) }
        accounts[name]?.disabled = disabled
    }

    public mutating func setTOTP(_ totp: TOTP?, for name: String) throws(AccountError) {
        guard accounts[name] != nil else { throw .unknown(name) }
        accounts[name]?.totp = totp
    }

    public mutating func setPersonName(_ personName: String?, for name: String) throws(AccountError) {
        guard accounts[name] != nil else { throw .unknown(name) }
        if let personName { try UserAccount.validate(personName: personName) }
        accounts[name]?.personName = personName
    }

    public mutating func setRoles(_ roles: [String], for name: String) throws(AccountError) {
        guard accounts[name] != nil else { throw .unknown(name) }
        accounts[name]?.roles = roles
    }

    @discardableResult
    public mutating func remove(_ name: String) throws(AccountError) -> UserAccount {
        guard let removed = accounts.removeValue(forKey: name) else { throw .unknown(name) }
        return removed
    }

    /// The account, when `passcode` is its password (followed by the current one-time code, when
    /// the account has a second factor) and the account is enabled. An unknown name, a wrong
    /// password and a wrong code fail alike; that an account is disabled is said only to whoever
    /// knows its password and code.
    public func authenticate(name: String, passcode: String, at date: Date = Date()) throws(AuthenticationFailure) -> SignIn {
        guard let account = accounts[name] else {
            _ = Self.decoy?.verifies(passcode)
            throw .wrongNameOrPassword
        }
        // With a second factor the code ends the passcode. The password is checked first,
        // whatever the code looks like, so timing tells nothing.
        let password = account.totp == nil ? passcode : String(passcode.dropLast(TOTP.digits))
        guard account.password.verifies(password) else { throw .wrongNameOrPassword }
        var step: Int64?
        if let totp = account.totp {
            let code = String(passcode.suffix(TOTP.digits))
            guard code.count == TOTP.digits, let codeStep = totp.step(of: code, at: date) else { throw .wrongNameOrPassword }
            step = codeStep
        }
        guard !account.disabled else { throw .disabled }
        return SignIn(account: account, oneTimeStep: step)
    }
}

/// A successful sign-in: the account, and the time step of the one-time code it gave (to be
/// recorded in `OneTimeCodeLedger`, so that code is not accepted twice), when it has a second factor.
public struct SignIn: Sendable {
    public let account: UserAccount
    public let oneTimeStep: Int64?
}

/// Why a sign-in failed, as the audit log records it.
public enum AuthenticationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case wrongNameOrPassword
    case disabled

    public var description: String {
        switch self {
        case .wrongNameOrPassword: "wrong user name or password"
        case .disabled: "the account is disabled (rampart user enable NAME)"
        }
    }
}

public enum AccountError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidName(String)
    case exists(String)
    case unknown(String)
    case invalidPersonName(String)

    public var description: String {
        switch self {
        case let .invalidPersonName(name): "\"\(LogText.printable(name))\" is not a DICOM person name: write Family^Given (at most 5 ^-separated components, 64 characters, no \\)"
        case let .invalidName(name): "\"\(name)\" is not a valid user name: use 1-64 ASCII letters, digits, '.', '_', '-' or '@'"
        case let .exists(name): "user \(name) already exists"
        case let .unknown(name): "there is no user \(name) (rampart user list shows the accounts)"
        }
    }
}
