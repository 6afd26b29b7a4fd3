import Access
import Foundation

/// `rampart init`: makes a data folder ready to serve securely from the first start. It creates
/// the folder, a local certificate authority and a server certificate for DICOM TLS, the key
/// that signs access tokens, the key that signs the audit log's checkpoints, the first admin account with a generated password (DESIGN.md
/// rule 3: no default passwords), and `rampart.yaml`, written last: its presence means the
/// folder is initialized.
public struct SiteInitializer: Sendable {
    public let dataDirectory: String

    public init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
    }

    /// What `init` made. The password exists only here: show it once, store it nowhere.
    public struct Result: Sendable {
        public let adminName: String
        public let adminPassword: String
        public let configurationPath: String
        public let caCertificatePath: String
        public let serverCertificatePath: String
        public let serverNames: [String]
    }

    public var isInitialized: Bool { ConfigurationFile(dataDirectory: dataDirectory).exists }

    /// `serverNames` are the DNS names and IP addresses peers reach this server by; localhost,
    /// 127.0.0.1, ::1 and the machine's host name are always included.
    public func run(adminName: String = "admin", serverNames: [String] = [],
                    passwordCost: PasswordHash.Cost = .recommended) throws(ServerSetupError) -> Result {
        let configuration = ConfigurationFile(dataDirectory: dataDirectory)
        guard !configuration.exists else {
            throw ServerSetupError("\(dataDirectory) is already initialized (\(configuration.path) exists); to start over, move the folder away first")
        }
        let accountsFile = AccountsFile(dataDirectory: dataDirectory)
        var users = try accountsFile.load()
        guard users.isEmpty else {
            throw ServerSetupError("\(accountsFile.path) already holds accounts; refusing to add a second first admin")
        }
        let tlsFolder = dataDirectory + "/tls"
        try DataFolder.ensure(tlsFolder)

        let host = Self.hostName() ?? "localhost"
        let names = Self.serverNames(host: host, adding: serverNames)
        let password = GeneratedPassword.make()
        let caFiles = LocalCertificateAuthorityFiles(dataDirectory: dataDirectory)
        do {
            let authority = try LocalCertificateAuthority.create(name: "Rampart local CA (\(host))")
            let server = try authority.issue(commonName: host, dnsNames: names.dns, ipAddresses: names.ip)
            try caFiles.save(authority)
            try write(server.chainPEM, to: tlsFolder + "/server.pem")
            try write(server.privateKeyPEM, to: tlsFolder + "/server-key.pem")
            let tokenKey = TokenSigningKeyFile(dataDirectory: dataDirectory)
            if !tokenKey.exists { try tokenKey.create() }
            _ = try AuditSigningKeyFile(dataDirectory: dataDirectory).loadOrCreate()
            try users.add(UserAccount(name: adminName, roles: ["admin"], password: try PasswordHash.make(password: password, cost: passwordCost)))
        } catch let error as ServerSetupError {
            throw error
        } catch {
            throw ServerSetupError("rampart init failed: \(error)")
        }
        try accountsFile.save(users)
        let tls = ServerConfiguration.TLSSettings(certificate: "tls/server.pem", privateKey: "tls/server-key.pem", trustedCA: "tls/ca.pem")
        try write(ConfigurationFile.initialText(tls: tls), to: configuration.path)
        return Result(adminName: adminName, adminPassword: password, configurationPath: configuration.path,
                      caCertificatePath: caFiles.certificatePath, serverCertificatePath: tlsFolder + "/server.pem",
                      serverNames: names.dns + names.ip)
    }

    private func write(_ text: String, to path: String) throws(ServerSetupError) {
        try DataFolder.writePrivately(Data(text.utf8), to: path)
    }

    static func serverNames(host: String, adding extra: [String]) -> (dns: [String], ip: [String]) {
        var dns = ["localhost"], ip = ["127.0.0.1", "::1"]
        if host != "localhost" { dns.append(host) }
        for name in extra {
            if LocalCertificateAuthority.addressBytes(name) != nil {
                if !ip.contains(name) { ip.append(name) }
            } else if !dns.contains(name) {
                dns.append(name)
            }
        }
        return (dns, ip)
    }

    static func hostName() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return nil }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? nil : name
    }
}
