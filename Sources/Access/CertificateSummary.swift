import Foundation
import SwiftASN1
import X509

/// What an administrator needs to know of a certificate: whose it is, who vouches for it, the
/// names it is valid for, when it expires, and its SHA-256 fingerprint (what the AE registry
/// binds). Read from the certificate alone: a private key is never read or shown.
public struct CertificateSummary: Sendable, Hashable, Encodable {
    public let subject: String
    public let issuer: String
    /// DNS names and IP addresses (and any other names, as swift-certificates prints them).
    public let subjectAlternativeNames: [String]
    public let notBefore: Date
    public let notAfter: Date
    /// SHA-256 of the DER encoding, lowercase hex (`CertificateFingerprint`).
    public let sha256: String

    /// The first certificate of PEM text (a chain's leaf); `source` names the file in errors.
    public init(pem: String, source: String) throws(CertificateFileError) {
        let (certificate, der) = try CertificateFingerprint.firstCertificate(pem: pem, source: source)
        subject = certificate.subject.description
        issuer = certificate.issuer.description
        do {
            subjectAlternativeNames = try certificate.extensions.subjectAlternativeNames.map { $0.map(Self.text) } ?? []
        } catch {
            subjectAlternativeNames = ["(the subject alternative name extension cannot be read: \(error))"]
        }
        notBefore = certificate.notValidBefore
        notAfter = certificate.notValidAfter
        sha256 = CertificateFingerprint(der: der).hex
    }

    private static func text(_ name: GeneralName) -> String {
        switch name {
        case let .dnsName(text): "DNS:\(text)"
        case let .ipAddress(octets): "IP:\(NetworkRange.text(ofAddress: Array(octets.bytes)) ?? "\(octets)")"
        default: "\(name)"
        }
    }

    /// Whole days from `now` to the end of validity; negative once it has expired.
    public func daysLeft(at now: Date = Date()) -> Int {
        Int((notAfter.timeIntervalSince(now) / 86_400).rounded(.down))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(subject, forKey: .subject)
        try container.encode(issuer, forKey: .issuer)
        try container.encode(subjectAlternativeNames, forKey: .subjectAlternativeNames)
        let format = ISO8601DateFormatter()
        try container.encode(format.string(from: notBefore), forKey: .notBefore)
        try container.encode(format.string(from: notAfter), forKey: .notAfter)
        try container.encode(daysLeft(), forKey: .daysLeft)
        try container.encode(sha256, forKey: .sha256)
    }

    private enum CodingKeys: String, CodingKey { case subject, issuer, subjectAlternativeNames, notBefore, notAfter, daysLeft, sha256 }
}
