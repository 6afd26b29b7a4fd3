import Access

/// The certificates `GET /api/certificates` shows: the one the server presents, the local CA's,
/// and the client certificates AEs are bound to (by fingerprint: the registry holds no more).
/// Never a private key.
public struct CertificateReport: Encodable, Sendable {
    /// An AE admitted by its client certificate.
    public struct Binding: Encodable, Sendable, Equatable {
        public var title: String
        public var certificateSHA256: String

        public init(title: String, certificateSHA256: String) {
            self.title = title
            self.certificateSHA256 = certificateSHA256
        }
    }

    /// nil: the server serves without TLS (plain HTTP on loopback).
    public var server: CertificateSummary?
    /// nil: the data folder has no local CA (a site that uses its own).
    public var localCA: CertificateSummary?
    public var boundAEs: [Binding]
    /// Certificates whose end of validity is closer than this are flagged.
    public var warningDays: Int

    public static let warningDays = 30

    public init(server: CertificateSummary?, localCA: CertificateSummary?, boundAEs: [Binding]) {
        self.server = server
        self.localCA = localCA
        self.boundAEs = boundAEs
        warningDays = Self.warningDays
    }
}
