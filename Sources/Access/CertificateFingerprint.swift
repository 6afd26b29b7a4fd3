import Crypto
import DICOM
import SwiftASN1
import X509

/// A certificate named by the SHA-256 of its DER encoding, in lowercase hex: how the AE registry
/// binds an AE to the one certificate its device holds. It is what
/// `openssl x509 -noout -fingerprint -sha256` prints, without the colons and in lower case.
public struct CertificateFingerprint: Sendable, Hashable, CustomStringConvertible {
    public let hex: String

    public init(der: some Sequence<UInt8>) {
        hex = Hex.lowercase(SHA256.hash(data: Array(der)))
    }

    /// The first certificate of PEM text (a file may hold a chain, leaf first, as TLS presents
    /// it); `source` names the file in errors.
    public init(pem: String, source: String) throws(CertificateFileError) {
        self.init(der: try Self.firstCertificate(pem: pem, source: source).der)
    }

    /// The first certificate of PEM text, parsed, and its DER bytes.
    static func firstCertificate(pem: String, source: String) throws(CertificateFileError) -> (certificate: Certificate, der: [UInt8]) {
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: pem)
        } catch {
            throw .notPEM(source, "\(error)")
        }
        guard let first = documents.first(where: { $0.discriminator == "CERTIFICATE" }) else {
            throw .noCertificate(source, found: documents.map(\.discriminator))
        }
        do {
            return (try Certificate(derEncoded: first.derBytes), first.derBytes)
        } catch {
            throw .notACertificate(source, "\(error)")
        }
    }

    /// The first 16 digits: enough for an operator to tell two certificates apart in a log line.
    public static func abbreviated(_ hex: String) -> String { String(hex.prefix(16)) + "…" }

    public var description: String { hex }
}

/// Why a certificate file could not be read, said so the operator knows which file to fix.
public enum CertificateFileError: Error, Sendable, CustomStringConvertible {
    case notPEM(String, String)
    case noCertificate(String, found: [String])
    case notACertificate(String, String)

    public var description: String {
        switch self {
        case let .notPEM(source, why):
            "\(source) is not PEM text (\(why)): give the device's certificate as PEM (-----BEGIN CERTIFICATE-----); "
                + "convert DER with openssl x509 -inform der -in FILE -out FILE.pem"
        case let .noCertificate(source, found):
            "\(source) holds no certificate"
                + (found.isEmpty ? "" : " (only \(found.joined(separator: ", ")))")
                + ": give the device's certificate (-----BEGIN CERTIFICATE-----), not its key"
        case let .notACertificate(source, why):
            "the first certificate in \(source) is not a valid X.509 certificate: \(why)"
        }
    }
}
