import Access
import Foundation
import Testing
import X509

@Suite struct PasswordHashTests {
    private static let cheap = PasswordHash.Cost(logN: 4, blockSize: 8, parallelism: 1)

    @Test func verifiesOnlyTheRightPassword() throws {
        let hash = try PasswordHash.make(password: "correct horse", cost: Self.cheap)
        #expect(hash.verifies("correct horse"))
        #expect(!hash.verifies("correct horsE"))
        #expect(!hash.verifies(""))
    }

    @Test func saltsDifferSoEqualPasswordsHashDifferently() throws {
        let a = try PasswordHash.make(password: "same", cost: Self.cheap)
        let b = try PasswordHash.make(password: "same", cost: Self.cheap)
        #expect(a.description != b.description)
    }

    @Test func phcStringRoundTrips() throws {
        let hash = try PasswordHash.make(password: "pw", cost: Self.cheap)
        #expect(hash.description.hasPrefix("$scrypt$ln=4,r=8,p=1$"))
        let parsed = try PasswordHash(encoded: hash.description)
        #expect(parsed == hash)
        #expect(parsed.verifies("pw"))
        let json = try JSONEncoder().encode([hash])
        #expect(try JSONDecoder().decode([PasswordHash].self, from: json) == [hash])
    }

    /// RFC 7914 section 12, second vector: "password", "NaCl", N = 1024, r = 8, p = 16.
    @Test func matchesTheRFC7914TestVector() throws {
        let salt = Data("NaCl".utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
        let expected: [UInt8] = [
            0xfd, 0xba, 0xbe, 0x1c, 0x9d, 0x34, 0x72, 0x00, 0x78, 0x56, 0xe7, 0x19, 0x0d, 0x01, 0xe9, 0xfe,
            0x7c, 0x6a, 0xd7, 0xcb, 0xc8, 0x23, 0x78, 0x30, 0xe7, 0x73, 0x76, 0x63, 0x4b, 0x37, 0x31, 0x62,
        ]
        let hash = Data(expected).base64EncodedString().replacingOccurrences(of: "=", with: "")
        let stored = try PasswordHash(encoded: "$scrypt$ln=10,r=8,p=16$\(salt)$\(hash)")
        #expect(stored.verifies("password"))
        #expect(!stored.verifies("passwore"))
    }

    @Test(arguments: ["", "plain", "$scrypt$ln=30,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
                      "$scrypt$ln=10,r=8$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", "$bcrypt$ln=10,r=8,p=1$a$b",
                      "$scrypt$ln=10,r=8,p=1$!!$aGFzaGhhc2hoYXNoaGFzaA"])
    func malformedOrHostileStringsAreRefused(text: String) {
        #expect(throws: PasswordHashError.self) { try PasswordHash(encoded: text) }
    }

    @Test func directoryAuthenticatesByNameAndPassword() throws {
        var users = UserDirectory()
        try users.add(UserAccount(name: "ana", roles: ["radiologist"], password: try PasswordHash.make(password: "s3cret", cost: Self.cheap)))
        #expect(try users.authenticate(name: "ana", passcode: "s3cret").account.name == "ana")
        #expect(throws: AuthenticationFailure.wrongNameOrPassword) { try users.authenticate(name: "ana", passcode: "wrong") }
        #expect(throws: AuthenticationFailure.wrongNameOrPassword) { try users.authenticate(name: "bob", passcode: "s3cret") }
        try users.setDisabled(true, for: "ana")
        #expect(throws: AuthenticationFailure.disabled) { try users.authenticate(name: "ana", passcode: "s3cret") }
        // A wrong password does not learn that the account is disabled.
        #expect(throws: AuthenticationFailure.wrongNameOrPassword) { try users.authenticate(name: "ana", passcode: "wrong") }
        try users.setDisabled(false, for: "ana")
        try users.setRoles(["auditor"], for: "ana")
        #expect(try users.authenticate(name: "ana", passcode: "s3cret").account.roles == ["auditor"])
        #expect(throws: AccountError.exists("ana")) {
            try users.add(UserAccount(name: "ana", roles: [], password: try PasswordHash.make(password: "x", cost: Self.cheap)))
        }
        #expect(throws: AccountError.invalidName("a b")) { try UserAccount.validate(name: "a b") }
        #expect(throws: AccountError.invalidName("")) { try UserAccount.validate(name: "") }
        try users.remove("ana")
        #expect(users.isEmpty)
    }

    @Test func accountsWrittenBeforeDisablingExistStillLoad() throws {
        let hash = try PasswordHash.make(password: "x", cost: Self.cheap)
        let json = #"[{"name":"old","roles":["admin"],"password":"\#(hash)"}]"#
        let accounts = try JSONDecoder().decode([UserAccount].self, from: Data(json.utf8))
        #expect(accounts.first?.disabled == false)
    }

    @Test func generatedPasswordsAreLongAndDistinct() {
        let passwords = (0..<50).map { _ in GeneratedPassword.make() }
        #expect(Set(passwords).count == 50)
        for password in passwords {
            #expect(password.count == 27)
            #expect(!password.contains { "0O1lI".contains($0) })
        }
    }
}

@Suite struct LocalCertificateAuthorityTests {
    @Test func issuesAServerCertificateTheCAVerifies() async throws {
        let authority = try LocalCertificateAuthority.create(name: "Test CA")
        let issued = try authority.issue(commonName: "pacs", dnsNames: ["localhost", "pacs.example.org"], ipAddresses: ["127.0.0.1", "::1"])
        #expect(try authority.certificate.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        #expect(issued.certificate.issuer == authority.certificate.subject)
        let names = try #require(try issued.certificate.extensions.subjectAlternativeNames)
        #expect(names.contains(.dnsName("pacs.example.org")))
        #expect(names.count == 4)

        var verifier = Verifier(rootCertificates: CertificateStore([authority.certificate])) {
            RFC5280Policy()
        }
        let result = await verifier.validate(leaf: issued.certificate, intermediates: CertificateStore())
        guard case .validCertificate = result else {
            Issue.record("the CA does not verify its own server certificate: \(result)")
            return
        }

        // PEM round trip: what init writes is what serve reads.
        let reloaded = try LocalCertificateAuthority(certificatePEM: try authority.certificatePEM, privateKeyPEM: authority.privateKeyPEM)
        #expect(reloaded.certificate == authority.certificate)
        #expect(try issued.chainPEM.components(separatedBy: "BEGIN CERTIFICATE").count == 3)
    }

    @Test func refusesANonAddress() throws {
        let authority = try LocalCertificateAuthority.create(name: "Test CA")
        #expect(throws: CertificateAuthorityError.self) {
            try authority.issue(commonName: "x", dnsNames: [], ipAddresses: ["not-an-ip"])
        }
    }
}
