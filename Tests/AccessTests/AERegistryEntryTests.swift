import Access
import Crypto
import Foundation
import Testing
import X509

/// The AE rule: a bound certificate is the device's identity, from any host; without one, the
/// registered host is.
@Suite("AE registry entry")
struct AERegistryEntryTests {
    private let bound = String(repeating: "ab", count: 32)
    private let other = String(repeating: "cd", count: 32)
    private var hostEntry: AERegistry.Entry { .init(title: "CT1", host: "10.0.0.5", port: 104) }
    private var certificateEntry: AERegistry.Entry { .init(title: "CT1", host: "10.0.0.5", port: 104, certificateSHA256: bound) }

    @Test func anEntryWithoutACertificateAdmitsItsHostOnly() {
        let home = hostEntry.admission(host: "10.0.0.5", certificateFingerprint: nil)
        #expect(home.allowed && home.strength == .registeredAE)
        let away = hostEntry.admission(host: "10.0.0.9", certificateFingerprint: other)
        #expect(!away.allowed && away.strength == .none)
        #expect(away.reason.contains("10.0.0.5") && away.reason.contains("10.0.0.9"))
    }

    @Test func aBoundCertificateAdmitsFromAnyHostWithCertificateStrength() {
        for host in ["10.0.0.5", "192.168.7.7", "::1"] {
            let admission = certificateEntry.admission(host: host, certificateFingerprint: bound)
            #expect(admission.allowed, "from \(host)")
            #expect(admission.strength == .certificate)
        }
    }

    @Test func aBoundEntryRefusesNoCertificateEvenFromItsRegisteredHost() {
        let admission = certificateEntry.admission(host: "10.0.0.5", certificateFingerprint: nil)
        #expect(!admission.allowed)
        #expect(admission.reason.contains("presented none"))
        #expect(admission.reason.contains("rampart ae certificate CT1"))
    }

    @Test func aBoundEntryRefusesAnotherCertificateAndNamesBoth() {
        let admission = certificateEntry.admission(host: "10.0.0.5", certificateFingerprint: other)
        #expect(!admission.allowed)
        #expect(admission.reason.contains(String(bound.prefix(16))) && admission.reason.contains(String(other.prefix(16))))
        #expect(admission.reason.contains("--certificate"))
    }

    @Test func theFingerprintIsStoredAsCertificateSHA256AndOldRegistriesStillRead() throws {
        let json = String(decoding: try JSONEncoder().encode(certificateEntry), as: UTF8.self)
        #expect(json.contains("\"certificate_sha256\":\"\(bound)\""))
        let old = try JSONDecoder().decode(AERegistry.Entry.self, from: Data(#"{"title":"CT1","host":"10.0.0.5","port":104}"#.utf8))
        #expect(old == hostEntry)
        #expect(try JSONDecoder().decode(AERegistry.Entry.self, from: Data(json.utf8)) == certificateEntry)
    }

    @Test func theGateAdmitsTheBoundCertificateAndRefusesAClaimTheRegistryDoesNotBack() async throws {
        let recorder = MemoryDecisionRecorder()
        let gate = Gate(registry: AERegistry([certificateEntry, .init(title: "MR1", host: "10.0.0.6", port: 104)]), recorder: recorder)
        func context(_ title: String, _ address: String, _ fingerprint: String?, _ strength: AuthenticationStrength) -> AccessContext {
            AccessContext(principal: .applicationEntity(title), channel: .dimse, peerAddress: address, callingAETitle: title,
                          certificateFingerprint: fingerprint, authentication: strength)
        }
        let grant = try await gate.decide(context("CT1", "172.16.0.1:4000", bound, .certificate), .store)
        #expect(grant.context.authentication == .certificate)
        #expect(recorder.recorded.last?.reason.contains("bound client certificate") == true)
        await #expect(throws: AccessDenied.self) { try await gate.decide(context("CT1", "10.0.0.5:4000", nil, .registeredAE), .store) }
        // A host-rule AE whose peer happens to hold some certificate is not certificate-authenticated.
        await #expect(throws: AccessDenied.self) { try await gate.decide(context("MR1", "10.0.0.6:4000", other, .certificate), .store) }
        _ = try await gate.decide(context("MR1", "10.0.0.6:4000", other, .registeredAE), .store)
    }
}

/// Reading the certificate `rampart ae add --certificate` binds, and the client certificates
/// `rampart ae certificate` issues.
@Suite("Certificate fingerprint")
struct CertificateFingerprintTests {
    private static func der(ofFirstCertificateIn pem: String) throws -> Data {
        let body = pem.components(separatedBy: "-----BEGIN CERTIFICATE-----")[1].components(separatedBy: "-----END CERTIFICATE-----")[0]
        return try #require(Data(base64Encoded: body.filter { !$0.isWhitespace }))
    }

    private static func hex(_ digest: SHA256.Digest) -> String { digest.map { String(format: "%02x", $0) }.joined() }

    @Test func isTheSHA256OfTheFirstCertificatesDER() throws {
        let authority = try LocalCertificateAuthority.create(name: "Test CA")
        let issued = try authority.issueClient(commonName: "CT1")
        let chain = try issued.chainPEM
        let fingerprint = try CertificateFingerprint(pem: chain, source: "chain.pem")
        #expect(fingerprint.hex == Self.hex(SHA256.hash(data: try Self.der(ofFirstCertificateIn: chain))))
        #expect(fingerprint == (try CertificateFingerprint(pem: try issued.certificatePEM, source: "leaf.pem")))
        #expect(fingerprint != (try CertificateFingerprint(pem: try authority.certificatePEM, source: "ca.pem")))
        #expect(fingerprint.hex.count == 64 && fingerprint.hex == fingerprint.hex.lowercased())
    }

    @Test func aKeyFileIsRefusedWithWhatToGiveInstead() throws {
        let issued = try LocalCertificateAuthority.create(name: "Test CA").issueClient(commonName: "CT1")
        #expect {
            try CertificateFingerprint(pem: issued.privateKeyPEM, source: "ct1-key.pem")
        } throws: { error in
            "\(error)".contains("ct1-key.pem holds no certificate (only PRIVATE KEY)")
        }
    }

    @Test(arguments: ["", "not a certificate at all", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"])
    func textThatIsNoCertificateIsRefused(text: String) {
        #expect(throws: CertificateFileError.self) { try CertificateFingerprint(pem: text, source: "device.pem") }
    }

    @Test func aClientCertificateIsForClientAuthenticationAndNamedForTheAE() throws {
        let issued = try LocalCertificateAuthority.create(name: "Test CA").issueClient(commonName: "CT_SCANNER_1")
        let certificate = issued.certificate
        #expect(certificate.subject.description.contains("CN=CT_SCANNER_1"))
        let usage = try #require(try certificate.extensions.extendedKeyUsage)
        #expect(Array(usage) == [.clientAuth])
        #expect(try certificate.extensions.subjectAlternativeNames == nil)
    }
}
