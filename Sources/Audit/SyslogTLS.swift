import NIOSSL

/// The TLS side of a collector: the CA its certificate must chain to, and the client
/// certificate Rampart presents when the collector asks for one (IHE ATNA's mutual node
/// authentication). The collector's certificate must name the configured host (a DNS name, or
/// an IP address SAN when the host is an address).
public struct SyslogTLS: Sendable, Equatable {
    /// PEM file of the CA (or CAs) that sign the collector's certificate.
    public var caPath: String
    public var certificatePath: String?
    public var privateKeyPath: String?

    public init(caPath: String, certificatePath: String? = nil, privateKeyPath: String? = nil) {
        self.caPath = caPath
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
    }

    /// Reads the files; call it at start-up so a wrong path stops the server with a clear error
    /// instead of failing every connection.
    public func makeContext() throws(SyslogExportError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        // RFC 5425 asks for TLS 1.2 or later (RFC 9662 updated it to BCP 195).
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateVerification = .fullVerification
        do {
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caPath))
        } catch {
            throw .configuration("cannot read the collector's CA file \(caPath) (\(error)): it must hold PEM certificates")
        }
        switch (certificatePath, privateKeyPath) {
        case let (certificate?, key?):
            do {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) }
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
            } catch {
                throw .configuration("cannot read the client certificate \(certificate) or its key \(key) (\(error)): both must be PEM")
            }
        case (nil, nil):
            break
        case (_?, nil), (nil, _?):
            throw .configuration("a client certificate needs both its certificate and its private key")
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw .configuration("cannot set up TLS to the collector with CA \(caPath): \(error)")
        }
    }
}
