import Crypto
import Foundation
import SwiftASN1
import X509

/// The certificate authority `rampart init` creates for a site that has none: it signs the
/// server's certificate (and, later, client certificates for modalities), so DICOM TLS works from
/// the first start. Keys are ECDSA P-256; certificates are X.509 v3 per RFC 5280.
public struct LocalCertificateAuthority: Sendable {
    public let certificate: Certificate
    let privateKey: P256.Signing.PrivateKey

    /// A new CA, valid for ten years.
    public static func create(name: String, now: Date = Date()) throws(CertificateAuthorityError) -> LocalCertificateAuthority {
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        do {
            let subject = try DistinguishedName {
                OrganizationName("Rampart")
                CommonName(name)
            }
            let certificate = try Self.sign(
                publicKey: publicKey, subject: subject, issuer: subject, days: 10 * 365, now: now,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                    Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                    SubjectKeyIdentifier(hash: publicKey)
                },
                by: key)
            return LocalCertificateAuthority(certificate: certificate, privateKey: key)
        } catch {
            throw .issuing("the CA certificate", "\(error)")
        }
    }

    /// Loads a CA written by `pemFiles`.
    public init(certificatePEM: String, privateKeyPEM: String) throws(CertificateAuthorityError) {
        do {
            certificate = try Certificate(pemEncoded: certificatePEM)
            privateKey = try P256.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        } catch {
            throw .loading("\(error)")
        }
    }

    private init(certificate: Certificate, privateKey: P256.Signing.PrivateKey) {
        self.certificate = certificate
        self.privateKey = privateKey
    }

    /// A certificate for a TLS server (and client: archives call each other) with these names,
    /// valid for `days` (398 by default, the CA/Browser Forum's ceiling, which clients enforce).
    public func issue(commonName: String, dnsNames: [String], ipAddresses: [String], days: Int = 398,
                      now: Date = Date()) throws(CertificateAuthorityError) -> IssuedCertificate {
        var names: [GeneralName] = dnsNames.map { .dnsName($0) }
        for address in ipAddresses {
            guard let bytes = Self.addressBytes(address) else { throw CertificateAuthorityError.invalidAddress(address) }
            names.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes))))
        }
        return try issueLeaf(commonName: commonName, usages: [.serverAuth, .clientAuth], names: names, days: days, now: now)
    }

    /// A TLS client certificate for a device (a modality's AE): client authentication only, the
    /// AE title as common name, no names to reach it by (it is never a server under this name).
    public func issueClient(commonName: String, days: Int = 398, now: Date = Date()) throws(CertificateAuthorityError) -> IssuedCertificate {
        try issueLeaf(commonName: commonName, usages: [.clientAuth], names: [], days: days, now: now)
    }

    private func issueLeaf(commonName: String, usages: [ExtendedKeyUsage.Usage], names: [GeneralName], days: Int,
                           now: Date) throws(CertificateAuthorityError) -> IssuedCertificate {
        guard days > 0 else { throw .issuing("a certificate for \(commonName)", "the validity must be at least one day, not \(days)") }
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        do {
            let subject = try DistinguishedName {
                OrganizationName("Rampart")
                CommonName(commonName)
            }
            let leaf = try Self.sign(
                publicKey: publicKey, subject: subject, issuer: certificate.subject, days: days, now: now,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true))
                    try ExtendedKeyUsage(usages)
                    if !names.isEmpty { SubjectAlternativeNames(names) }
                    SubjectKeyIdentifier(hash: publicKey)
                    AuthorityKeyIdentifier(keyIdentifier: try certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
                },
                by: privateKey)
            return IssuedCertificate(certificate: leaf, privateKey: key, issuer: certificate)
        } catch {
            throw .issuing("a certificate for \(commonName)", "\(error)")
        }
    }

    /// An X.509 v3 certificate with a random serial, valid from five minutes ago (clock skew) for
    /// `days`, signed ECDSA-SHA256 by `issuerKey`.
    private static func sign(publicKey: Certificate.PublicKey, subject: DistinguishedName, issuer: DistinguishedName, days: Int,
                             now: Date, extensions: Certificate.Extensions, by issuerKey: P256.Signing.PrivateKey) throws -> Certificate {
        try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(Double(days) * 86_400),
            issuer: issuer, subject: subject, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
            issuerPrivateKey: Certificate.PrivateKey(issuerKey))
    }

    public var certificatePEM: String {
        get throws(CertificateAuthorityError) { try Self.pem(certificate) }
    }

    public var privateKeyPEM: String { privateKey.pemRepresentation }

    static func pem(_ certificate: Certificate) throws(CertificateAuthorityError) -> String {
        do {
            return try certificate.serializeAsPEM().pemString
        } catch {
            throw .issuing("PEM", "\(error)")
        }
    }

    /// IPv4 dotted quad or IPv6 text to network-order bytes.
    public static func addressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}

/// A certificate the local CA issued, with its key and the chain to present.
public struct IssuedCertificate: Sendable {
    public let certificate: Certificate
    let privateKey: P256.Signing.PrivateKey
    let issuer: Certificate

    /// The certificate alone, as a device loads it.
    public var certificatePEM: String {
        get throws(CertificateAuthorityError) { try LocalCertificateAuthority.pem(certificate) + "\n" }
    }

    /// Leaf then CA: what a TLS server presents.
    public var chainPEM: String {
        get throws(CertificateAuthorityError) {
            try LocalCertificateAuthority.pem(certificate) + "\n" + LocalCertificateAuthority.pem(issuer) + "\n"
        }
    }

    public var privateKeyPEM: String { privateKey.pemRepresentation }
}

public enum CertificateAuthorityError: Error, Sendable, CustomStringConvertible {
    case issuing(String, String)
    case loading(String)
    case invalidAddress(String)

    public var description: String {
        switch self {
        case let .issuing(what, why): "cannot issue \(what): \(why)"
        case let .loading(why): "cannot read the local CA's certificate or key: \(why)"
        case let .invalidAddress(text): "\(text) is not an IPv4 or IPv6 address"
        }
    }
}
