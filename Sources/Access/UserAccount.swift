/// A person who may sign in: name, roles and password hash. Roles are names the policy of the
/// security issue gives meaning to; `admin` is the one `rampart init` creates.
public struct UserAccount: Sendable, Hashable, Codable {
    public var name: String
    public var roles: [String]
    public var password: PasswordHash

    public init(name: String, roles: [String], password: PasswordHash) {
        self.name = name
        self.roles = roles
        self.password = password
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

    @discardableResult
    public mutating func remove(_ name: String) throws(AccountError) -> UserAccount {
        guard let removed = accounts.removeValue(forKey: name) else { throw .unknown(name) }
        return removed
    }

    /// The account, when `password` is its password; nil for an unknown name or a wrong
    /// password alike.
    public func authenticate(name: String, password: String) -> UserAccount? {
        guard let account = accounts[name] else {
            _ = Self.decoy?.verifies(password)
            return nil
        }
        return account.password.verifies(password) ? account : nil
    }
}

public enum AccountError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidName(String)
    case exists(String)
    case unknown(String)

    public var description: String {
        switch self {
        case let .invalidName(name): "\"\(name)\" is not a valid user name: use 1-64 ASCII letters, digits, '.', '_', '-' or '@'"
        case let .exists(name): "user \(name) already exists"
        case let .unknown(name): "there is no user \(name) (rampart user list shows the accounts)"
        }
    }
}
