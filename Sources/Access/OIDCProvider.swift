/// An OpenID Connect identity provider whose ID or access tokens Rampart accepts (a hospital's
/// Keycloak, Entra ID, ...), as `oidc:` in rampart.yaml configures it. A token it signed names a
/// `.user` that need not have a local account; its roles come from the token.
public struct OIDCProvider: Sendable {
    /// The `iss` its tokens carry, exactly (e.g. https://idp.example.org/realms/hospital).
    public let issuer: String
    /// What `aud` must contain: the client id the IdP knows Rampart by.
    public let audience: String
    /// The claim that names the user; nil: `preferred_username`, else `sub`.
    public let usernameClaim: String?
    /// The claim that holds the user's roles or groups, a dotted path for nested ones
    /// (`realm_access.roles`).
    public let rolesClaim: String
    /// IdP group -> Rampart role. When set, groups it does not name give no role (an IdP has
    /// many groups that mean nothing here); when nil, the names are Rampart role names as they are.
    public let roleMap: [String: String]?
    /// The provider's keys as they are now (the server reads the JWKS file again when it changes).
    public let keys: @Sendable () -> OIDCKeySet

    public init(issuer: String, audience: String, usernameClaim: String? = nil, rolesClaim: String, roleMap: [String: String]? = nil,
                keys: @escaping @Sendable () -> OIDCKeySet) {
        self.issuer = issuer
        self.audience = audience
        self.usernameClaim = usernameClaim
        self.rolesClaim = rolesClaim
        self.roleMap = roleMap
        self.keys = keys
    }

    /// The Rampart roles a token's group names give.
    func roles(from names: [String]) -> [String] {
        guard let roleMap else { return Self.unique(names) }
        return Self.unique(names.compactMap { roleMap[$0] })
    }

    private static func unique(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }
}
