import Access
import Foundation

/// The local CA as `rampart init` keeps it in the data folder: `tls/ca.pem` (what peers trust,
/// and what the server checks client certificates against) and `tls/ca-key.pem` (what signs).
public struct LocalCertificateAuthorityFiles: Sendable {
    public let certificatePath: String
    public let privateKeyPath: String

    public init(dataDirectory: String) {
        certificatePath = dataDirectory + "/tls/ca.pem"
        privateKeyPath = dataDirectory + "/tls/ca-key.pem"
    }

    public var exists: Bool { FileManager.default.fileExists(atPath: certificatePath) }

    public func save(_ authority: LocalCertificateAuthority) throws(ServerSetupError) {
        do {
            try DataFolder.writePrivately(Data(try authority.certificatePEM.utf8), to: certificatePath)
        } catch let error as ServerSetupError {
            throw error
        } catch {
            throw ServerSetupError("cannot write the local CA: \(error)")
        }
        try DataFolder.writePrivately(Data(authority.privateKeyPEM.utf8), to: privateKeyPath)
    }

    public func load() throws(ServerSetupError) -> LocalCertificateAuthority {
        let certificate: String, key: String
        do {
            certificate = try String(contentsOfFile: certificatePath, encoding: .utf8)
            key = try String(contentsOfFile: privateKeyPath, encoding: .utf8)
        } catch {
            throw ServerSetupError("""
                cannot read the local CA (\(certificatePath), \(privateKeyPath)): \(error). rampart init creates it; \
                a site with its own CA issues the device's certificate there and binds it with rampart ae add --certificate
                """)
        }
        do {
            return try LocalCertificateAuthority(certificatePEM: certificate, privateKeyPEM: key)
        } catch {
            throw ServerSetupError("\(error) (\(certificatePath), \(privateKeyPath))")
        }
    }
}
