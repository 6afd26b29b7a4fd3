import Access
import Foundation
import Testing

@Suite("TOTP")
struct TOTPTests {
    /// RFC 6238 Appendix B's SHA-1 secret, "12345678901234567890".
    private let rfc = TOTP(secret: Array("12345678901234567890".utf8))

    /// RFC 6238 Appendix B, SHA-1: the 8-digit values' last 6 digits are the 6-digit codes.
    @Test(arguments: [(59, "287082"), (1_111_111_109, "081804"), (1_111_111_111, "050471"), (1_234_567_890, "005924"),
                      (2_000_000_000, "279037"), (20_000_000_000, "353130")] as [(Int64, String)])
    func matchesTheRFCTestVectors(seconds: Int64, code: String) {
        #expect(rfc.code(at: Date(timeIntervalSince1970: TimeInterval(seconds))) == code)
    }

    @Test func theSecretReadsBackFromBase32AndTheURINamesIt() throws {
        #expect(rfc.base32Secret == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        #expect(TOTP(base32Secret: "gezdgnbvgy3tqojqgezdgnbvgy3tqojq") == rfc)
        #expect(TOTP(base32Secret: "not base32!") == nil)
        #expect(TOTP(base32Secret: "GEZDG") == nil)  // too short a secret
        let uri = rfc.provisioningURI(account: "alice", issuer: "Rampart")
        #expect(uri == "otpauth://totp/Rampart%3Aalice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Rampart&algorithm=SHA1&digits=6&period=30")
        let generated = TOTP.generate()
        #expect(generated.secret.count == 20 && TOTP(base32Secret: generated.base32Secret) == generated)
    }

    @Test func aCodeHoldsOneStepEitherSideAndNoFurther() {
        let now = Date(timeIntervalSince1970: 1_111_111_111)
        let step = TOTP.step(at: now)
        #expect(rfc.step(of: rfc.code(step: step), at: now) == step)
        #expect(rfc.step(of: rfc.code(step: step - 1), at: now) == step - 1)
        #expect(rfc.step(of: rfc.code(step: step + 1), at: now) == step + 1)
        #expect(rfc.step(of: rfc.code(step: step - 2), at: now) == nil)
        #expect(rfc.step(of: "12345", at: now) == nil)
    }

    @Test func aSecondFactorAccountNeedsPasswordAndCodeAndACodeCountsOnce() async throws {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let cheap = PasswordHash.Cost(logN: 4, blockSize: 8, parallelism: 1)
        let users = UserDirectory([UserAccount(name: "alice", roles: ["radiologist"], password: try PasswordHash.make(password: "pw", cost: cheap),
                                               totp: rfc)])
        let signIn = try users.authenticate(name: "alice", passcode: "pw" + rfc.code(at: now), at: now)
        #expect(signIn.oneTimeStep == TOTP.step(at: now))
        #expect(throws: AuthenticationFailure.wrongNameOrPassword) { try users.authenticate(name: "alice", passcode: "pw", at: now) }
        #expect(throws: AuthenticationFailure.wrongNameOrPassword) { try users.authenticate(name: "alice", passcode: "px" + rfc.code(at: now), at: now) }
        let wrong = rfc.code(at: now) == "000000" ? "111111" : "000000"
        #expect(throws: AuthenticationFailure.wrongNameOrPassword) { try users.authenticate(name: "alice", passcode: "pw" + wrong, at: now) }

        let ledger = OneTimeCodeLedger()
        #expect(await ledger.use(TOTP.step(at: now), by: "alice"))
        #expect(await !ledger.use(TOTP.step(at: now), by: "alice"))
        #expect(await !ledger.use(TOTP.step(at: now) - 1, by: "alice"))
        #expect(await ledger.use(TOTP.step(at: now), by: "bob"))
    }

    @Test func theSecretIsKeptInTheAccountsFile() throws {
        let account = UserAccount(name: "alice", roles: [], password: try PasswordHash.make(password: "pw", cost: .init(logN: 4, blockSize: 8, parallelism: 1)),
                                  totp: rfc)
        let data = try JSONEncoder().encode(account)
        #expect(String(decoding: data, as: UTF8.self).contains("\"totp_secret\":\"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\""))
        #expect(try JSONDecoder().decode(UserAccount.self, from: data).totp == rfc)
        let plain = UserAccount(name: "bob", roles: [], password: account.password)
        #expect(!String(decoding: try JSONEncoder().encode(plain), as: UTF8.self).contains("totp"))
    }
}
