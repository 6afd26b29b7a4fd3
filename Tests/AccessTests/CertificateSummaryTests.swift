import Access
import Foundation
import Testing

/// What the administration page shows of a certificate, read from its PEM text.
@Suite struct CertificateSummaryTests {
    @Test func aServerCertificateShowsItsNamesValidityAndFingerprint() throws {
        let now = Date(timeIntervalSince1970: 1_796_000_000)
        let authority = try LocalCertificateAuthority.create(name: "Test CA", now: now)
        let issued = try authority.issue(commonName: "pacs.example", dnsNames: ["pacs.example"], ipAddresses: ["10.0.0.5", "::1"], days: 20, now: now)
        let summary = try CertificateSummary(pem: try issued.chainPEM, source: "server.pem")
        #expect(summary.subject.contains("CN=pacs.example") && summary.issuer.contains("CN=Test CA"))
        #expect(summary.subjectAlternativeNames == ["DNS:pacs.example", "IP:10.0.0.5", "IP:::1"])
        #expect(summary.sha256 == CertificateFingerprint(der: try issued.certificatePEM.derOfFirstCertificate).hex)
        #expect(summary.daysLeft(at: now) >= 19 && summary.daysLeft(at: now) <= 20)
        #expect(summary.daysLeft(at: now.addingTimeInterval(30 * 86_400)) < 0)
    }

    @Test func aKeyIsNotACertificate() throws {
        let authority = try LocalCertificateAuthority.create(name: "Test CA")
        #expect(throws: CertificateFileError.self) { try CertificateSummary(pem: authority.privateKeyPEM, source: "key.pem") }
    }
}

private extension String {
    /// The DER bytes of the first PEM block.
    var derOfFirstCertificate: [UInt8] {
        get throws {
            let body = components(separatedBy: "-----")[2].filter { !$0.isWhitespace }
            return Array(try #require(Data(base64Encoded: body)))
        }
    }
}
