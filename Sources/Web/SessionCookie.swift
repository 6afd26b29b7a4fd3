import Foundation
import HTTPTypes

/// The web UI's session cookie and CSRF header, and the cookie that binds a login through an
/// identity provider to the browser that began it.
enum SessionCookie {
    static let name = "rampart_session"
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!
    /// Sent only to the login's own routes, and only while the login may still end.
    static let loginName = "rampart_login"
    static let loginPath = SessionRoutes.path + "/oidc"

    /// The value of the cookie `name` among the request's Cookie headers.
    static func value(in headers: [String], named cookie: String = name) -> String? {
        for header in headers {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == cookie {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
        }
        return nil
    }

    /// Set-Cookie for a new session: unreadable by scripts, sent to this site only, over TLS
    /// only when served over TLS (a browser drops a Secure cookie on plain HTTP).
    static func setting(_ value: String, secure: Bool) -> String {
        "\(name)=\(value); Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// Set-Cookie that removes it.
    static func clearing(secure: Bool) -> String {
        "\(name)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// Set-Cookie for a login that began: as strict as the session's, gone when the login lapses.
    static func settingLogin(_ value: String, secure: Bool) -> String {
        "\(loginName)=\(value); Path=\(loginPath); Max-Age=\(Int(PendingLoginStore.lifetime)); HttpOnly; SameSite=Strict"
            + (secure ? "; Secure" : "")
    }

    /// Set-Cookie that removes the login's cookie once the login has ended.
    static func clearingLogin(secure: Bool) -> String {
        "\(loginName)=; Path=\(loginPath); Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }
}
