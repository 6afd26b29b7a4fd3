import NIOSSL

/// TLS for DICOM connections: the PS3.15 B.9 BCP 195 profile, so TLS 1.2 or later with
/// forward-secret AEAD cipher suites only.
public enum DICOMTLS {
    /// TLS 1.2 suites of BCP 195 (RFC 9325 4.2); TLS 1.3 suites are all acceptable and fixed by BoringSSL.
    static let cipherSuites = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    ].joined(separator: ":")
}

/// The server side: our certificate, and optionally the CAs whose client certificates we accept.
public struct DICOMTLSServerConfiguration: Sendable {
    public var certificateChainPath: String
    public var privateKeyPath: String
    /// PEM files of CAs that sign acceptable client certificates; with none, no client
    /// certificate is asked for. With some, every client is asked for one, and one that does not
    /// chain to these CAs fails the handshake.
    public var trustedCAPaths: [String]
    /// Refuse clients that present no certificate (requires `trustedCAPaths`).
    public var requireClientCertificate: Bool

    public init(certificateChainPath: String, privateKeyPath: String, trustedCAPaths: [String] = [], requireClientCertificate: Bool = false) {
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
        self.trustedCAPaths = trustedCAPaths
        self.requireClientCertificate = requireClientCertificate
    }

    public func makeContext() throws(DICOMTLSError) -> NIOSSLContext {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificateChainPath).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: privateKeyPath, format: .pem)
            var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            configuration.minimumTLSVersion = .tlsv12
            configuration.cipherSuites = DICOMTLS.cipherSuites
            if !trustedCAPaths.isEmpty {
                var roots: [NIOSSLCertificate] = []
                for path in trustedCAPaths {
                    do {
                        roots += try NIOSSLCertificate.fromPEMFile(path)
                    } catch {
                        throw DICOMTLSError.configuration("cannot read the trusted CA file \(path) (\(error)): it must hold PEM certificates")
                    }
                }
                configuration.trustRoots = .certificates(roots)
                configuration.certificateVerification = requireClientCertificate ? .noHostnameVerification : .optionalVerification
            } else if requireClientCertificate {
                throw DICOMTLSError.configuration("client certificates are required but no trusted CA file is given")
            }
            return try NIOSSLContext(configuration: configuration)
        } catch let error as DICOMTLSError {
            throw error
        } catch {
            throw .configuration("cannot set up TLS with certificate \(certificateChainPath) and key \(privateKeyPath): \(error)")
        }
    }
}

/// The client side: whom we trust, and our own certificate if the server asks for one.
public struct DICOMTLSClientConfiguration: Sendable {
    /// PEM file of CAs that sign the server's certificate; nil uses the system's roots.
    public var trustedCAPath: String?
    public var certificateChainPath: String?
    public var privateKeyPath: String?
    /// Check the server certificate names the host we connect to. Leave on outside tests.
    public var verifiesHostname: Bool
    /// Check the server's certificate at all; off only for an inspection that reports on the
    /// certificate instead of trusting it (the exposure scanner), which sends no credential.
    public var verifiesCertificate: Bool

    public init(trustedCAPath: String? = nil, certificateChainPath: String? = nil, privateKeyPath: String? = nil, verifiesHostname: Bool = true,
                verifiesCertificate: Bool = true) {
        self.trustedCAPath = trustedCAPath
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
        self.verifiesHostname = verifiesHostname
        self.verifiesCertificate = verifiesCertificate
    }

    /// What the exposure scanner speaks DICOM over: any certificate, any protocol version and
    /// cipher the server and OpenSSL agree on (what it accepts is the scanner's finding, not its
    /// condition), no client certificate.
    public static let inspecting = DICOMTLSClientConfiguration(verifiesHostname: false, verifiesCertificate: false)

    public func makeContext() throws(DICOMTLSError) -> NIOSSLContext {
        do {
            var configuration = TLSConfiguration.makeClientConfiguration()
            if verifiesCertificate {
                configuration.minimumTLSVersion = .tlsv12
                configuration.cipherSuites = DICOMTLS.cipherSuites
                configuration.certificateVerification = verifiesHostname ? .fullVerification : .noHostnameVerification
            } else {
                configuration.certificateVerification = .none
            }
            if let trustedCAPath { configuration.trustRoots = .file(trustedCAPath) }
            if let certificateChainPath, let privateKeyPath {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateChainPath).map { .certificate($0) }
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: privateKeyPath, format: .pem))
            }
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw .configuration("cannot set up TLS: \(error)")
        }
    }
}

public enum DICOMTLSError: Error, Sendable, CustomStringConvertible {
    case configuration(String)

    public var description: String {
        switch self {
        case let .configuration(message): message
        }
    }
}
