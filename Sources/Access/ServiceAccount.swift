/// An account for automation (a script, a router, a research pipeline): it signs in with an API
/// key, acts with its roles, and only within its scope. `rampart service` manages them; the
/// server keeps the key's digest, never the key.
public struct ServiceAccount: Sendable, Hashable, Codable {
    public var name: String
    public var roles: [String]
    /// The actions the key may be used for at most (its roles still have to allow each); nil: no
    /// cap beyond the roles.
    public var scope: Set<AccessAction>?
    /// `APIKey.digest(of:)` of its key.
    public var keyDigest: String
    /// A revoked account signs in no more; it stays listed so that a leaked key that is still
    /// being tried is reported by name.
    public var revoked: Bool

    public init(name: String, roles: [String], scope: Set<AccessAction>?, keyDigest: String, revoked: Bool = false) {
        self.name = name
        self.roles = roles
        self.scope = scope
        self.keyDigest = keyDigest
        self.revoked = revoked
    }

    private enum CodingKeys: String, CodingKey {
        case name, roles, scope, keyDigest = "key_sha256", revoked
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        roles = try container.decode([String].self, forKey: .roles)
        keyDigest = try container.decode(String.self, forKey: .keyDigest)
        revoked = try container.decodeIfPresent(Bool.self, forKey: .revoked) ?? false
        if let names = try container.decodeIfPresent([String].self, forKey: .scope) {
            scope = Set(try names.map { name in
                guard let action = AccessAction(rawValue: name) else {
                    throw DecodingError.dataCorruptedError(forKey: .scope, in: container, debugDescription: "\(name) is not an action")
                }
                return action
            })
        } else {
            scope = nil
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(roles, forKey: .roles)
        try container.encodeIfPresent(scope.map { $0.map(\.rawValue).sorted() }, forKey: .scope)
        try container.encode(keyDigest, forKey: .keyDigest)
        try container.encode(revoked, forKey: .revoked)
    }
}

/// The service accounts, by name.
public struct ServiceDirectory: Sendable, Hashable {
    public private(set) var accounts: [String: ServiceAccount] = [:]

    public init(_ accounts: [ServiceAccount] = []) {
        for account in accounts { self.accounts[account.name] = account }
    }

    public subscript(name: String) -> ServiceAccount? { accounts[name] }

    /// Adds an account; a revoked one of the same name is replaced (revoke, then add again, is
    /// how a key is rotated).
    public mutating func add(_ account: ServiceAccount) throws(ServiceAccountError) {
        do {
            try UserAccount.validate(name: account.name)
        } catch {
            throw .invalidName(account.name)
        }
        if let existing = accounts[account.name], !existing.revoked { throw .exists(account.name) }
        accounts[account.name] = account
    }

    public mutating func revoke(_ name: String) throws(ServiceAccountError) {
        guard accounts[name] != nil else { throw .unknown(name) }
        accounts[name]?.revoked = true
    }

    /// The account whose key `key` is. An unknown name and a wrong key fail alike and take the
    /// same time; that a key was revoked is said only to whoever holds it.
    public func authenticate(name: String, key: String) throws(ServiceAuthenticationFailure) -> ServiceAccount {
        let digest = APIKey.digest(of: key)
        guard let account = accounts[name] else {
            _ = APIKey.sameDigest(digest, Self.decoy)
            throw .wrongNameOrKey
        }
        guard APIKey.sameDigest(digest, account.keyDigest) else { throw .wrongNameOrKey }
        guard !account.revoked else { throw .revoked(name) }
        return account
    }

    private static let decoy = String(repeating: "0", count: 64)
}

/// Why a service account's sign-in failed, as the audit log records it.
public enum ServiceAuthenticationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case wrongNameOrKey
    case revoked(String)

    public var description: String {
        switch self {
        case .wrongNameOrKey: "wrong service name or API key"
        case let .revoked(name):
            "the API key of service \(LogText.printable(name)) was revoked, and someone still uses it: find where it leaked (rampart service add gives a new one)"
        }
    }
}

public enum ServiceAccountError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidName(String)
    case exists(String)
    case unknown(String)

    public var description: String {
        switch self {
        case let .invalidName(name): "\"\(LogText.printable(name))\" is not a valid service name: use 1-64 ASCII letters, digits, '.', '_', '-' or '@'"
        case let .exists(name): "service \(name) already exists; to give it a new key, rampart service revoke \(name), then add it again"
        case let .unknown(name): "there is no service \(name) (rampart service list shows them)"
        }
    }
}
