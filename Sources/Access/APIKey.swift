import Crypto
import DICOM
import Foundation

/// The secret a service account signs in with: `rampart_sk_` and 43 base64url characters (256
/// bits from the system's CSPRNG). The prefix lets secret scanners (GitHub's, gitleaks) find a
/// key that leaked into a repository or a log, and lets the server tell a key from a password.
public enum APIKey {
    public static let prefix = "rampart_sk_"

    public static func make() -> String {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        return prefix + bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Whether a passcode is meant as an API key (it is checked as one, never as a password).
    public static func isKey(_ passcode: String) -> Bool { passcode.hasPrefix(prefix) }

    /// What the server keeps of a key: its SHA-256, in hex. A fast hash is right here, unlike for
    /// passwords: the key is 256 random bits, so no dictionary or brute force can invert the
    /// digest, and a slow KDF would only let anyone who sends keys burn the server's CPU.
    public static func digest(of key: String) -> String {
        Hex.lowercase(SHA256.hash(data: Data(key.utf8)))
    }

    /// Compares two digests in time that depends only on their length, so response timing says
    /// nothing about how much of a guessed key's digest matched.
    static func sameDigest(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
