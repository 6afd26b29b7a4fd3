#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOPosix
import NIOSSL

/// Is TLS offered on the port, which versions does it accept, and is its certificate valid?
/// Verification is inspected, never enforced: a bad certificate is a finding, not a stop.
struct TLSProbe: Sendable {
    let context: ProbeContext

    struct Handshake: Sendable {
        var version: TLSVersion?
        var certificate: NIOSSLCertificate?
    }

    /// The findings, or nil when the port does not complete a TLS handshake.
    func run(_ endpoint: ScanEndpoint) async -> [Finding]? {
        var inspecting = TLSConfiguration.makeClientConfiguration()
        inspecting.certificateVerification = .none
        guard let first = try? await handshake(endpoint, inspecting) else { return nil }
        var findings: [Finding] = []
        let target = endpoint.description

        var legacy = inspecting
        legacy.minimumTLSVersion = .tlsv1
        legacy.maximumTLSVersion = .tlsv11
        if let old = try? await handshake(endpoint, legacy) {
            findings.append(Finding(.tlsLegacyVersion, target: target, evidence: "a handshake limited to TLS 1.0-1.1 succeeded (\(Self.name(old.version)))"))
        }

        // Suites with RSA key exchange: whoever later gets the server's key decrypts what was recorded.
        var staticRSA = inspecting
        staticRSA.maximumTLSVersion = .tlsv12
        staticRSA.cipherSuites = Self.staticRSASuites
        if let weak = try? await handshake(endpoint, staticRSA) {
            findings.append(Finding(.tlsNoForwardSecrecy, target: target,
                                    evidence: "a \(Self.name(weak.version)) handshake offering only RSA key exchange suites (\(Self.staticRSASuites.replacingOccurrences(of: ":", with: ", "))) succeeded"))
        }

        if let certificate = first.certificate {
            let now = time(nil)
            if certificate.notValidAfter < now {
                findings.append(Finding(.tlsCertificateExpired, target: target, evidence: "the server certificate expired \(Self.days(now - certificate.notValidAfter)) days ago"))
            } else if certificate.notValidBefore > now {
                findings.append(Finding(.tlsCertificateExpired, target: target, evidence: "the server certificate is valid only in \(Self.days(certificate.notValidBefore - now)) days"))
            }
        }

        var verifying = TLSConfiguration.makeClientConfiguration()
        verifying.certificateVerification = .fullVerification
        do {
            _ = try await handshake(endpoint, verifying)
        } catch {
            findings.append(Finding(.tlsCertificateUntrusted, target: target,
                                    evidence: "negotiated \(Self.name(first.version)); verification against this machine's CAs failed (self-signed, a private CA, or a name mismatch)"))
        }
        return findings
    }

    func handshake(_ endpoint: ScanEndpoint, _ configuration: TLSConfiguration) async throws -> Handshake {
        let sslContext = try NIOSSLContext(configuration: configuration)
        let serverName = endpoint.serverName
        let bootstrap = await context.bootstrap()
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: endpoint.host, port: endpoint.port).get()
        } catch {
            throw ProbeError.connectFailed("\(error)")
        }
        defer { channel.close(promise: nil) }
        let done = channel.eventLoop.makePromise(of: Void.self)
        try await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: serverName))
            try channel.pipeline.syncOperations.addHandler(TLSHandshakeWaiter(done))
        }.get()
        let deadline = channel.eventLoop.scheduleTask(in: context.options.readTimeout) { done.fail(ProbeError.timedOut) }
        defer { deadline.cancel() }
        try await done.futureResult.get()
        return Handshake(version: try await channel.nioSSL_tlsVersion().get(), certificate: try await channel.nioSSL_peerCertificate().get())
    }

    static let staticRSASuites = "AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA:AES256-SHA"

    static func name(_ version: TLSVersion?) -> String {
        switch version {
        case .tlsv1?: "TLS 1.0"
        case .tlsv11?: "TLS 1.1"
        case .tlsv12?: "TLS 1.2"
        case .tlsv13?: "TLS 1.3"
        case nil: "an unknown TLS version"
        }
    }

    private static func days(_ seconds: time_t) -> Int { Int(seconds / 86_400) }
}
