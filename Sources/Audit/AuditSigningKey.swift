import Crypto
import DICOM
import Foundation

/// The Ed25519 key that signs the audit log's checkpoints: whoever can edit the log file but
/// not read this key cannot make an edited log verify.
public struct AuditSigningKey: Sendable {
    let key: Curve25519.Signing.PrivateKey

    public init() { key = Curve25519.Signing.PrivateKey() }

    /// The 32-byte raw private key of the key file.
    public init(rawRepresentation: [UInt8]) throws(AuditKeyError) {
        do {
            key = try Curve25519.Signing.PrivateKey(rawRepresentation: rawRepresentation)
        } catch {
            throw AuditKeyError(problem: "is not a 32-byte Ed25519 private key (\(error))")
        }
    }

    public var rawRepresentation: [UInt8] { Array(key.rawRepresentation) }
    public var publicKey: AuditVerifyingKey { AuditVerifyingKey(key: key.publicKey) }

    func signature(for message: [UInt8]) throws -> [UInt8] { Array(try key.signature(for: message)) }
}

/// The public half, which is all `verify` needs.
public struct AuditVerifyingKey: Sendable, Hashable {
    let key: Curve25519.Signing.PublicKey

    public init(rawRepresentation: [UInt8]) throws(AuditKeyError) {
        do {
            key = try Curve25519.Signing.PublicKey(rawRepresentation: rawRepresentation)
        } catch {
            throw AuditKeyError(problem: "is not a 32-byte Ed25519 public key (\(error))")
        }
    }

    init(key: Curve25519.Signing.PublicKey) { self.key = key }

    public var rawRepresentation: [UInt8] { Array(key.rawRepresentation) }

    /// SHA-256 of the public key (lowercase hex): what an auditor pins.
    public var fingerprint: String { Hex.lowercase(SHA256.hash(data: key.rawRepresentation)) }

    func isValid(_ signature: [UInt8], for message: [UInt8]) -> Bool { key.isValidSignature(signature, for: message) }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.rawRepresentation == rhs.rawRepresentation }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawRepresentation) }
}

public struct AuditKeyError: Error, Sendable, CustomStringConvertible {
    public let problem: String
    public var description: String { problem }
}
