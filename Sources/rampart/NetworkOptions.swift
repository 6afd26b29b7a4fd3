import ArgumentParser
import DICOM
import DICOMNetwork
#if canImport(Glibc)
import Glibc
#endif

/// What every SCU command shares: where the peer is, who we are, TLS, and the user identity.
struct NetworkOptions: ParsableArguments {
    @Option(help: "The peer's host name or address.")
    var host = "127.0.0.1"

    @Option(help: "The peer's DICOM port.")
    var port = 11112

    @Option(name: .customLong("calling-ae"), help: "Our AE title.")
    var callingAE = "RAMPART"

    @Option(name: .customLong("called-ae"), help: "The peer's AE title.")
    var calledAE = "ANY-SCP"

    @Flag(help: "Use TLS (PS3.15 B.9, TLS 1.2 or later).")
    var tls = false

    @Option(name: .customLong("tls-ca"), help: "PEM file of the CAs that sign the peer's certificate (default: the system's).")
    var tlsCA: String?

    @Option(name: .customLong("tls-cert"), help: "PEM file of our certificate chain, if the peer asks for one.")
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: "PEM file of our private key.")
    var tlsKey: String?

    @Flag(name: .customLong("tls-no-verify-hostname"), help: "Accept a trusted certificate that does not name the host.")
    var tlsNoVerifyHostname = false

    @Option(help: "User identity: user name (PS3.7 D.3.3.7).")
    var username: String?

    @Option(help: "User identity: passcode, with --username. Also read from RAMPART_PASSWORD.")
    var password: String?

    @Option(help: "User identity: a JSON web token. Also read from RAMPART_TOKEN.")
    var token: String?

    @Option(help: "Seconds to wait for the peer to answer the association request, and for each response after a request is sent.")
    var timeout = 60

    func validate() throws {
        if !tls, tlsCA != nil || tlsCertificate != nil || tlsKey != nil {
            throw ValidationError("--tls-ca, --tls-cert and --tls-key need --tls")
        }
        if (tlsCertificate == nil) != (tlsKey == nil) {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        if password != nil, username == nil {
            throw ValidationError("--password needs --username")
        }
        if token != nil, username != nil {
            throw ValidationError("give either --username or --token, not both")
        }
    }

    var client: DICOMClient {
        DICOMClient(host: host, port: port,
                    tls: tls ? DICOMTLSClientConfiguration(trustedCAPath: tlsCA, certificateChainPath: tlsCertificate,
                                                           privateKeyPath: tlsKey, verifiesHostname: !tlsNoVerifyHostname) : nil,
                    artimTimeout: .seconds(Int64(timeout)),
                    options: AssociationOptions(responseTimeout: .seconds(timeout)))
    }

    var userIdentity: UserIdentityRQ? {
        if let token = token ?? environment("RAMPART_TOKEN"), username == nil {
            return UserIdentityRQ(kind: .jwt, positiveResponseRequested: true, primaryField: Array(token.utf8))
        }
        guard let username else { return nil }
        if let password = password ?? environment("RAMPART_PASSWORD") {
            return UserIdentityRQ(kind: .usernameAndPasscode, positiveResponseRequested: true,
                                  primaryField: Array(username.utf8), secondaryField: Array(password.utf8))
        }
        return UserIdentityRQ(kind: .username, positiveResponseRequested: false, primaryField: Array(username.utf8))
    }

    func proposal(_ contexts: [AssociationProposal.Context]) throws -> AssociationProposal {
        var proposal = AssociationProposal(callingAETitle: try AETitle(callingAE), calledAETitle: try AETitle(calledAE), contexts: contexts)
        proposal.userIdentity = userIdentity
        return proposal
    }
}

/// The transfer syntaxes an SCU proposes for data it creates (identifiers, echo).
let uncompressedSyntaxes = [TransferSyntax.explicitVRLittleEndian.uid, TransferSyntax.implicitVRLittleEndian.uid]

/// A network failure: one line, exit 2 when there was no association, 1 otherwise.
func reportNetworkFailure(_ error: any Error) -> ExitCode {
    standardError("rampart: \(oneLine(error))")
    switch error {
    case AssociationError.rejected, AssociationError.timedOut, is DICOMTLSError, is AETitleError, is NegotiationError:
        return ExitCode(2)
    case let error as AssociationError:
        if case .closed = error { return ExitCode(1) }
        return ExitCode(2)
    default:
        // Connection refused and other transport errors: no association was made.
        return ExitCode(2)
    }
}
