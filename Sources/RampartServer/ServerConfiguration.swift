import Foundation
import Archive
import DICOMNetwork
import ObjectStorage
import Logs

/// What `rampart serve` runs with: read from `rampart.yaml` in the data folder (see
/// `ConfigurationFile`), then overridden by `RAMPART_*` environment variables and by flags.
/// Relative paths are relative to the data folder.
public struct ServerConfiguration: Sendable, Equatable {
    public var aeTitle = "RAMPART"
    /// Loopback unless the operator decides otherwise (DESIGN.md rule 3).
    public var listen = "127.0.0.1"
    /// Whether `serve` scans its own listeners once they are up (`self_scan.at_start`); on demand
    /// it always can. Its probes are real connections from this host: they count towards this
    /// host's limits and appear in the audit log as refused, as a stranger's would.
    public var selfScanAtStart = true
    public var dicom = DICOMSettings()
    public var http = HTTPSettings()
    public var archive = ArchiveSettings()
    public var query = QuerySettings()
    public var shutdown = ShutdownSettings()
    /// OpenID Connect identity providers whose tokens sign users in (`oidc:`).
    public var oidc: [OIDCSettings] = []
    public var audit = AuditSettings()
    public var logging = LoggingSettings()

    public init() {}

    /// The server's log on standard error (`logging:`): what a journal or a log collector reads.
    public struct LoggingSettings: Sendable, Equatable {
        public var format = LogFormat.text
        /// Lines below it are dropped.
        public var level = LogLevel.info
    }

    public struct DICOMSettings: Sendable, Equatable {
        /// Plain DICOM; 0 turns it off. Only on loopback.
        public var port = 11112
        /// DICOM over TLS (PS3.15 B.9; 2762 is IANA's dicom-tls); 0 turns it off. Served only when
        /// `tls` is configured.
        public var tlsPort = 2762
        public var tls: TLSSettings?
        /// Associations at once and per minute, shared by both listeners (`AssociationLimits`
        /// says why the defaults are what they are).
        public var limits = AssociationLimits()
    }

    /// DICOMweb (and, later, the REST API and the web UI) over HTTPS.
    public struct HTTPSettings: Sendable, Equatable {
        /// 0 turns it off.
        public var port = 8443
        /// The server certificate; nil: the DICOM TLS one (`dicom.tls`). Without either, plain
        /// HTTP, on loopback only.
        public var tls: TLSSettings?
        /// Browser origins (scheme://host:port) whose pages may call the server (CORS); none by default.
        public var corsOrigins: [String] = []
        /// The largest STOW-RS request body.
        public var maximumStoreBytes = 4 << 30
        /// Requests a minute from one client address, after a burst of as many: a viewer
        /// opening a study sends a few hundred; a flood of guesses is stopped before any hash.
        public var requestsPerMinutePerHost = 6000
        /// Seconds a connection may send no part of a request before it is closed (`WebServer.Settings.idleTimeout`).
        public var idleTimeoutSeconds = 30

        /// The certificate HTTPS serves with, if any.
        public func certificate(dicom: DICOMSettings) -> TLSSettings? { tls ?? dicom.tls }
    }

    public struct TLSSettings: Sendable, Equatable {
        public var certificate: String
        public var privateKey: String
        /// CAs whose client certificates are accepted; none asks for no client certificate.
        public var trustedCA: String?
        public var requireClientCertificate = false

        public init(certificate: String, privateKey: String, trustedCA: String? = nil, requireClientCertificate: Bool = false) {
            self.certificate = certificate
            self.privateKey = privateKey
            self.trustedCA = trustedCA
            self.requireClientCertificate = requireClientCertificate
        }
    }

    public struct ArchiveSettings: Sendable, Equatable {
        /// What a second object with an archived SOP Instance UID does.
        public var duplicates = DuplicatePolicy.keep
        /// `archive.index`: a postgres:// URL, or nil for the embedded SQLite index.
        public var index: String?
        /// `archive.index_password_file`: the PostgreSQL password, when RAMPART_INDEX_PASSWORD
        /// does not give it; relative to the data folder unless absolute.
        public var indexPasswordFile: String?
        /// `archive.blobs`: an s3:// location (`S3Location`), or nil for the local folder.
        public var blobs: String?
        /// `archive.blobs_credentials_file`: the object store's credentials (AWS shared format,
        /// profile `default`), when not AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
        public var blobsCredentialsFile: String?
        /// `archive.blob_cache_mb`: the local cache of objects read from the object store.
        public var blobCacheMegabytes = 1024
        /// `archive.unindexed_blob_grace_minutes`: how old an object of the object store without
        /// an index row must be for the start-up sweep to remove it (`Archive.removeUnindexedBlobs`).
        public var unindexedBlobGraceMinutes = 60
        /// `archive.encryption_key_file`: every blob sealed with this key file; relative to the
        /// data folder unless absolute.
        public var encryptionKeyFile: String?

        /// Where the archive's blobs go, and their sealing. Credentials are read now, from the
        /// environment or the credentials file, and go nowhere else.
        public func blobStorage(dataDirectory: String,
                                environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (BlobLocation, BlobSealing?) {
            let sealing = try encryptionKeyFile.map { file in
                try BlobSealing(keyFile: file.hasPrefix("/") ? file : dataDirectory + "/" + file)
            }
            guard let blobs else { return (.localFolder, sealing) }
            let location = try S3Location(parsing: blobs)
            let credentials = try blobsCredentialsFile.map { file throws(ObjectStoreError) in
                try S3Credentials.fromFile(file.hasPrefix("/") ? file : dataDirectory + "/" + file)
            } ?? S3Credentials.fromEnvironment(environment)
            let store = try S3ObjectStore(location: location, credentials: credentials, client: ArchiveObjectStoreClient.shared)
            return (.objectStore(store, cacheBytes: blobCacheMegabytes << 20), sealing)
        }

        /// Where the archive's index is. The password is read now, from the environment
        /// (RAMPART_INDEX_PASSWORD) or the password file, and goes nowhere else.
        public func indexLocation(dataDirectory: String,
                                  environment: [String: String] = ProcessInfo.processInfo.environment) throws -> IndexLocation {
            guard let index else { return .embedded }
            var password = environment["RAMPART_INDEX_PASSWORD"]
            if password == nil, let file = indexPasswordFile {
                let path = file.hasPrefix("/") ? file : dataDirectory + "/" + file
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw ServerSetupError("archive.index_password_file \(path) cannot be read: create it (mode 600) with the index's password")
                }
                password = text.trimmingCharacters(in: .newlines)
            }
            return .postgres(try PostgresIndexLocation(url: index, password: password))
        }
    }

    public struct QuerySettings: Sendable, Equatable {
        /// Person names match regardless of letter case (PS3.4 leaves it to the SCP).
        public var caseInsensitivePersonNames = true
    }

    public struct ShutdownSettings: Sendable, Equatable {
        /// On SIGTERM or SIGINT: stop accepting, let associations finish for this long, then end them.
        public var gracePeriodSeconds = 30
    }

    /// One identity provider (see `OIDCProvider`).
    public struct OIDCSettings: Sendable, Equatable {
        public var issuer: String
        public var audience: String
        /// The provider's JWKS, saved from its jwks_uri; relative to the data folder.
        public var jwksFile: String
        /// nil: preferred_username, else sub.
        public var usernameClaim: String?
        public var rolesClaim: String
        public var roleMap: [String: String]?
        /// "Log in with" this provider on the web UI's login page; nil: not offered.
        public var browserLogin: BrowserLoginSettings?

        public init(issuer: String, audience: String, jwksFile: String, usernameClaim: String? = nil, rolesClaim: String,
                    roleMap: [String: String]? = nil, browserLogin: BrowserLoginSettings? = nil) {
            self.issuer = issuer
            self.audience = audience
            self.jwksFile = jwksFile
            self.usernameClaim = usernameClaim
            self.rolesClaim = rolesClaim
            self.roleMap = roleMap
            self.browserLogin = browserLogin
        }
    }

    /// What the web UI needs to log a user in through an identity provider (see `BrowserLoginProvider`).
    public struct BrowserLoginSettings: Sendable, Equatable {
        public var displayName: String
        public var authorizationEndpoint: String
        public var tokenEndpoint: String
        /// The client id the provider knows the UI by (a public client, with PKCE); default: the audience.
        public var clientID: String
        public static let defaultScope = "openid profile"
        public var scope: String

        public init(displayName: String, authorizationEndpoint: String, tokenEndpoint: String, clientID: String, scope: String = defaultScope) {
            self.displayName = displayName
            self.authorizationEndpoint = authorizationEndpoint
            self.tokenEndpoint = tokenEndpoint
            self.clientID = clientID
            self.scope = scope
        }
    }

    public struct AuditSettings: Sendable, Equatable {
        /// The central audit repository the audit log is exported to (`audit.syslog`); nil: none.
        public var syslog: SyslogSettings?
    }

    /// A syslog collector (see `SyslogExporter`).
    public struct SyslogSettings: Sendable, Equatable {
        public enum Transport: String, Sendable, Equatable, CaseIterable {
            /// RFC 5425, as IHE ATNA requires.
            case tls
            /// RFC 5426: in clear, and a message sent while the collector is down is lost.
            case udp
        }

        public var host: String
        public var port: Int
        public var transport: Transport
        /// PEM file of the CA that signs the collector's certificate (TLS only); relative to the data folder.
        public var ca: String?
        /// Rampart's client certificate and key, for a collector that asks for one (TLS only).
        public var certificate: String?
        public var privateKey: String?
        /// 10 (authpriv) or 13 (log audit).
        public var facility: Int

        public init(host: String, port: Int, transport: Transport, ca: String? = nil, certificate: String? = nil, privateKey: String? = nil,
                    facility: Int = 10) {
            self.host = host
            self.port = port
            self.transport = transport
            self.ca = ca
            self.certificate = certificate
            self.privateKey = privateKey
            self.facility = facility
        }

        /// The IANA ports: syslog-tls 6514 (RFC 5425), syslog 514 (RFC 5426).
        public static func defaultPort(_ transport: Transport) -> Int {
            switch transport {
            case .tls: 6514
            case .udp: 514
            }
        }
    }

    /// Values from the environment or flags, each nil when not given.
    public struct Overrides: Sendable, Equatable {
        public var aeTitle: String?
        public var listen: String?
        public var dicomPort: Int?
        public var dicomTLSPort: Int?
        public var httpPort: Int?
        public var logFormat: LogFormat?
        public var logLevel: LogLevel?

        public init(aeTitle: String? = nil, listen: String? = nil, dicomPort: Int? = nil, dicomTLSPort: Int? = nil, httpPort: Int? = nil,
                    logFormat: LogFormat? = nil, logLevel: LogLevel? = nil) {
            self.aeTitle = aeTitle
            self.listen = listen
            self.dicomPort = dicomPort
            self.dicomTLSPort = dicomTLSPort
            self.httpPort = httpPort
            self.logFormat = logFormat
            self.logLevel = logLevel
        }
    }

    public func applying(_ overrides: Overrides) -> ServerConfiguration {
        var result = self
        if let value = overrides.aeTitle { result.aeTitle = value }
        if let value = overrides.listen { result.listen = value }
        if let value = overrides.dicomPort { result.dicom.port = value }
        if let value = overrides.dicomTLSPort { result.dicom.tlsPort = value }
        if let value = overrides.httpPort { result.http.port = value }
        if let value = overrides.logFormat { result.logging.format = value }
        if let value = overrides.logLevel { result.logging.level = value }
        return result
    }

    /// Refuses set-ups that would expose the archive or cannot work, saying what to change.
    public func validate() throws(ServerSetupError) {
        do {
            _ = try AETitle(aeTitle)
        } catch {
            throw ServerSetupError("ae_title \"\(aeTitle)\" is not a valid AE title: \(error)")
        }
        for (name, port) in [("dicom.port", dicom.port), ("dicom.tls_port", dicom.tlsPort), ("http.port", http.port)] where !(0...65535).contains(port) {
            throw ServerSetupError("\(name) \(port) is not a TCP port (0-65535; 0 turns the listener off)")
        }
        if dicom.port == 0 && (dicom.tls == nil || dicom.tlsPort == 0) {
            throw ServerSetupError("no DICOM listener: dicom.port is 0 and DICOM TLS is off; set dicom.port, or configure dicom.tls (rampart init writes it)")
        }
        for (name, value) in [("max_associations", dicom.limits.maximumAssociations),
                              ("max_associations_per_host", dicom.limits.maximumAssociationsPerHost),
                              ("associations_per_minute_per_host", dicom.limits.associationsPerMinutePerHost)] where value < 1 {
            throw ServerSetupError("dicom.limits.\(name) is \(value): it must be at least 1 (a limit of none would refuse every association)")
        }
        if dicom.port != 0, dicom.port == dicom.tlsPort, dicom.tls != nil {
            throw ServerSetupError("dicom.port and dicom.tls_port are both \(dicom.port): give TLS its own port")
        }
        if http.port != 0, [dicom.port, dicom.tls != nil ? dicom.tlsPort : 0].contains(http.port) {
            throw ServerSetupError("http.port \(http.port) is also a DICOM port: give HTTP its own port")
        }
        if http.requestsPerMinutePerHost < 1 {
            throw ServerSetupError("http.requests_per_minute_per_host is \(http.requestsPerMinutePerHost): it must be at least 1 (a limit of none would refuse every request)")
        }
        if http.idleTimeoutSeconds < 1 {
            throw ServerSetupError("http.idle_timeout_seconds is \(http.idleTimeoutSeconds): it must be at least 1 (a connection must be given time to send its request)")
        }
        if http.maximumStoreBytes < 1 {
            throw ServerSetupError("http.max_store_bytes is \(http.maximumStoreBytes): it must be at least 1")
        }
        for origin in http.corsOrigins where !(origin.hasPrefix("https://") || origin.hasPrefix("http://")) || origin.hasSuffix("/") || origin == "*" {
            throw ServerSetupError("http.cors_origins: \(origin) is not an origin; write scheme://host[:port], such as https://viewer.example.org, with no path or wildcard")
        }
        guard !Self.isLoopback(listen) else { return }
        // DESIGN.md rule 3: beyond loopback only TLS, with every peer authenticated by the gate.
        if dicom.port != 0 {
            throw ServerSetupError("""
                refusing to serve plain DICOM on \(listen):\(dicom.port): beyond loopback, DICOM must use TLS. \
                Turn the plain port off (dicom.port: 0 in rampart.yaml, or --dicom-port 0) and let peers use the TLS port \
                (dicom.tls_port, \(dicom.tlsPort)); or listen on 127.0.0.1.
                """)
        }
        if dicom.tls == nil || dicom.tlsPort == 0 {
            throw ServerSetupError("""
                refusing to listen on \(listen) without DICOM TLS: configure dicom.tls in rampart.yaml (rampart init creates a \
                certificate) and a dicom.tls_port (not 0, no --no-tls); or listen on 127.0.0.1
                """)
        }
        // HTTP is never plain here: HTTPS takes dicom.tls's certificate when http.tls names none.
    }

    public static func isLoopback(_ host: String) -> Bool {
        host == "::1" || host == "localhost" || host.hasPrefix("127.")
    }
}
