import Foundation
import HTTPTypes

/// The web UI's session cookie and CSRF header.
enum SessionCookie {
    static let name = "rampart_session"
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!

    /// The session cookie's value among the request's Cookie headers.
    static func value(in headers: [String]) -> String? {
        for header in headers {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
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
}

