import Crypto
import Foundation

/// An OpenID Connect provider the web UI offers "Log in with" (rampart.yaml `oidc:` entries with
/// `authorization_endpoint`, `token_endpoint` and `display_name`). The browser does the
/// authorization code flow with PKCE itself, as a public client (RFC 8252 8.1, RFC 7636): the
/// server never calls the provider, it checks the ID token the page brings back.
public struct BrowserLoginProvider: Sendable, Hashable {
    /// The `iss` of its ID tokens: picks the keys and rules of the `oidc:` entry.
    public let issuer: String
    /// What the login page's button says ("Log in with …").
    public let displayName: String
    public let authorizationEndpoint: String
    public let tokenEndpoint: String
    /// The client id the provider knows the UI by; its ID tokens' `aud` holds it.
    public let clientID: String
    /// The scopes asked for; always with `openid`.
    public let scope: String

    public init(issuer: String, displayName: String, authorizationEndpoint: String, tokenEndpoint: String, clientID: String, scope: String) {
        self.issuer = issuer
        self.displayName = displayName
        self.authorizationEndpoint = authorizationEndpoint
        self.tokenEndpoint = tokenEndpoint
        self.clientID = clientID
        self.scope = scope
    }

    /// What the login page names it by: a digest of the issuer, so that the list offered to
    /// anyone tells nothing of the provider's address, and stays the same across restarts.
    public var id: String {
        SHA256.hash(data: Data(issuer.utf8)).prefix(6).map { String(format: "%02x", $0) }.joined()
    }

    /// The origin the page posts the authorization code to (`scheme://host[:port]`): what the
    /// UI's Content-Security-Policy lets it connect to besides this server.
    public var tokenEndpointOrigin: String? {
        guard let url = URLComponents(string: tokenEndpoint), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            return nil
        }
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(bracketed.lowercased())" + (url.port.map { ":\($0)" } ?? "")
    }
}
