import Access
import Foundation
import NIOPosix

/// The credential checks every channel shares (DIMSE user identity, HTTP `Authorization`):
/// the accounts and service accounts as their files are now, the bearer token verifier, the
/// login throttle and the one-time codes already used. What a check proves is turned into an
/// `AccessContext` by the channel, which knows the peer.
public struct Credentials: Sendable {
    /// The accounts a username and passcode is checked against.
    public let accounts: AccountsSource
    /// The service accounts an API key (a passcode with `APIKey.prefix`) is checked against.
    public let services: ServiceAccountsSource
    /// How a bearer token is checked: this server's or an identity provider's.
    public let tokens: BearerTokenVerifier
    /// Locks a name or a peer address after repeated failed sign-ins, whatever the channel.
    public let throttle: LoginThrottle
    /// The one-time codes already used, so none is accepted twice on any channel.
    let oneTimeCodes = OneTimeCodeLedger()

    public init(accounts: AccountsSource, services: ServiceAccountsSource, tokens: BearerTokenVerifier, throttle: LoginThrottle = LoginThrottle()) {
        self.accounts = accounts
        self.services = services
        self.tokens = tokens
        self.throttle = throttle
    }

    public var users: UserDirectory { accounts.current() }

    /// Who a name and secret prove.
    public enum Proof: Sendable {
        /// A user, by password and, when `secondFactor`, a one-time code.
        case user(UserAccount, secondFactor: Bool)
        /// A service account, by its API key.
        case service(ServiceAccount)
    }

    /// Why a sign-in failed (for the audit log), and what it locked, when it locked something
    /// (a security alert of its own).
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let reason: String
        public let locked: [String]
        public var description: String { reason }
    }

    /// A name and secret under the login throttle: an API key for a service account, else a
    /// password (and code) for a user. A locked name or address is refused before anything is
    /// checked; a failure counts towards the lockout; a success clears the name's count.
    public func signIn(name: String, secret: String, peerHost: String) async -> Result<Proof, Failure> {
        do {
            try await throttle.check(name: name, address: peerHost)
        } catch {
            return .failure(Failure(reason: "\(error)", locked: []))
        }
        do {
            let proof: Proof
            if APIKey.isKey(secret) {
                // A SHA-256 and a constant-time comparison: no KDF to run.
                proof = .service(try services.current().authenticate(name: name, key: secret))
            } else {
                let users = self.users
                // scrypt takes a few hundred milliseconds of one core: keep it off the cooperative pool.
                let signIn = try await NIOThreadPool.singleton.runIfActive { try users.authenticate(name: name, passcode: secret) }
                if let step = signIn.oneTimeStep, await !oneTimeCodes.use(step, by: signIn.account.name) {
                    // Right password, a code already used: a replay, counted as a failure.
                    throw OneTimeCodeReplayed()
                }
                proof = .user(signIn.account, secondFactor: signIn.oneTimeStep != nil)
            }
            await throttle.succeeded(name: name)
            return .success(proof)
        } catch {
            let locked = await throttle.failed(name: name, address: peerHost)
            return .failure(Failure(reason: "\(error)", locked: locked))
        }
    }
}

/// A sign-in with the right password and a one-time code that was used before.
private struct OneTimeCodeReplayed: Error, CustomStringConvertible {
    var description: String { "the one-time code was already used: wait for the next one" }
}
