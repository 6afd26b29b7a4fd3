import Crypto
import DICOM
import Foundation

/// The site's secret for pseudonyms (`AttributeView.Replacement.pseudonym`): HMAC-SHA256 of a
/// value under it, so a pseudonym is stable for the site and cannot be reversed or recomputed
/// elsewhere. Kept in the data folder (`tls/pseudonym-key`), never in the policy file.
public struct PseudonymKey: Sendable, Hashable {
    private let key: SymmetricKey
    /// Identifies the key without revealing it (the first bytes of its own hash), for Hashable.
    private let fingerprint: [UInt8]

    public init(bytes: [UInt8]) {
        key = SymmetricKey(data: bytes)
        fingerprint = Array(SHA256.hash(data: bytes).prefix(8))
    }

    public static func generate() -> PseudonymKey {
        PseudonymKey(bytes: SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
    }

    public var bytes: [UInt8] { key.withUnsafeBytes { Array($0) } }

    /// Sixteen upper-case hex digits: fits every text VR, even SH and CS (16 characters).
    public func pseudonym(of value: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: key)
        return Hex.lowercase(code.prefix(8)).uppercased()
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.fingerprint == rhs.fingerprint }
    public func hash(into hasher: inout Hasher) { hasher.combine(fingerprint) }
}
