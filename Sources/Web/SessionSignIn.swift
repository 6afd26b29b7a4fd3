import Access

/// How a session's user signed in, which says where its roles come from each time a request of
/// the session is authenticated.
public enum SessionSignIn: Sendable, Hashable {
    /// With the account's password (and one-time code): the account's roles as they are now.
    case account(AuthenticationStrength)
    /// With an identity provider's ID token: the roles the token gave, for the whole session (the
    /// server cannot ask the provider again); a local account of the same name that has been
    /// disabled since ends it.
    case identityProvider(issuer: String, roles: [String])

    var strength: AuthenticationStrength {
        switch self {
        case let .account(strength): strength
        case .identityProvider: .token
        }
    }
}
