import Archive
import DICOMNetwork
import Logs
import Foundation
import ObjectStorage
import Yams

/// `rampart.yaml`: the server's configuration file in the data folder. Every key is optional;
/// an unknown key or a value of the wrong kind is an error with its line, so a typo never
/// silently leaves a default (a plain port open, say) in place.
public struct ConfigurationFile: Sendable {
    public let path: String

    public static let name = "rampart.yaml"

    public init(path: String) {
        self.path = path
    }

    public init(dataDirectory: String) {
        path = dataDirectory + "/" + Self.name
    }

    public var exists: Bool { FileManager.default.fileExists(atPath: path) }

    /// The file's configuration, or the defaults when there is no file.
    public func load() throws(ServerSetupError) -> ServerConfiguration {
        guard exists else { return ServerConfiguration() }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ServerSetupError("cannot read \(path): \(error)")
        }
        return try Self.parse(text, source: path)
    }

    public static func parse(_ text: String, source: String) throws(ServerSetupError) -> ServerConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ServerSetupError("\(source) is not valid YAML: \(error)")
        }
        var configuration = ServerConfiguration()
        guard let root else { return configuration }
        let reader = Reader(source: source)
        try reader.fields(root, in: "the top level") { key, value throws(ServerSetupError) in
            switch key {
            case "ae_title": configuration.aeTitle = try reader.string(value, key)
            case "listen": configuration.listen = try reader.string(value, key)
            case "dicom":
                try reader.fields(value, in: key) { key, value throws(ServerSetupError) in
                    switch key {
                    case "port": configuration.dicom.port = try reader.int(value, "dicom.port")
                    case "tls_port": configuration.dicom.tlsPort = try reader.int(value, "dicom.tls_port")
                    case "tls": configuration.dicom.tls = try reader.tls(value)
                    case "limits": configuration.dicom.limits = try reader.limits(value)
                    default: throw reader.unknown(key, in: "dicom", value, known: ["port", "tls_port", "tls", "limits"])
                    }
                }
            case "http": configuration.http = try reader.http(value)
            case "archive":
                try reader.fields(value, in: key) { key, value throws(ServerSetupError) in
                    switch key {
                    case "duplicates":
                        let text = try reader.string(value, "archive.duplicates")
                        guard let policy = DuplicatePolicy(rawValue: text) else {
                            throw reader.error(value, "archive.duplicates must be one of \(DuplicatePolicy.allCases.map(\.rawValue).joined(separator: ", ")), not \(text)")
                        }
                        configuration.archive.duplicates = policy
                    case "index":
                        let text = try reader.string(value, "archive.index")
                        guard text != "embedded" else {
                            configuration.archive.index = nil
                            return
                        }
                        do {
                            _ = try PostgresIndexLocation(url: text, password: nil)
                        } catch {
                            throw reader.error(value, "archive.index must be embedded or a PostgreSQL URL: \(error)")
                        }
                        configuration.archive.index = text
                    case "index_password_file":
                        configuration.archive.indexPasswordFile = try reader.string(value, "archive.index_password_file")
                    case "blobs":
                        let text = try reader.string(value, "archive.blobs")
                        guard text != "local" else {
                            configuration.archive.blobs = nil
                            return
                        }
                        do {
                            _ = try S3Location(parsing: text)
                        } catch {
                            throw reader.error(value, "archive.blobs must be local or an s3:// location: \(error)")
                        }
                        configuration.archive.blobs = text
                    case "blobs_credentials_file":
                        configuration.archive.blobsCredentialsFile = try reader.string(value, "archive.blobs_credentials_file")
                    case "blob_cache_mb":
                        let megabytes = try reader.int(value, "archive.blob_cache_mb")
                        guard megabytes > 0 else { throw reader.error(value, "archive.blob_cache_mb must be at least 1") }
                        configuration.archive.blobCacheMegabytes = megabytes
                    case "unindexed_blob_grace_minutes":
                        let minutes = try reader.int(value, "archive.unindexed_blob_grace_minutes")
                        guard minutes >= 0 else { throw reader.error(value, "archive.unindexed_blob_grace_minutes cannot be negative") }
                        configuration.archive.unindexedBlobGraceMinutes = minutes
                    case "encryption_key_file":
                        configuration.archive.encryptionKeyFile = try reader.string(value, "archive.encryption_key_file")
                    default:
                        throw reader.unknown(key, in: "archive", value, known: ["duplicates", "index", "index_password_file", "blobs",
                                                                                 "blobs_credentials_file", "blob_cache_mb", "unindexed_blob_grace_minutes",
                                                                                 "encryption_key_file"])
                    }
                }
            case "query":
                try reader.fields(value, in: key) { key, value throws(ServerSetupError) in
                    guard key == "case_insensitive_person_names" else {
                        throw reader.unknown(key, in: "query", value, known: ["case_insensitive_person_names"])
                    }
                    configuration.query.caseInsensitivePersonNames = try reader.bool(value, "query.case_insensitive_person_names")
                }
            case "shutdown":
                try reader.fields(value, in: key) { key, value throws(ServerSetupError) in
                    guard key == "grace_period_seconds" else { throw reader.unknown(key, in: "shutdown", value, known: ["grace_period_seconds"]) }
                    configuration.shutdown.gracePeriodSeconds = try reader.int(value, "shutdown.grace_period_seconds")
                }
            case "oidc": configuration.oidc = try reader.identityProviders(value)
            case "self_scan":
                try reader.fields(value, in: key) { key, value throws(ServerSetupError) in
                    guard key == "at_start" else { throw reader.unknown(key, in: "self_scan", value, known: ["at_start"]) }
                    configuration.selfScanAtStart = try reader.bool(value, "self_scan.at_start")
                }
            case "audit":
                try reader.fields(value, in: key) { key, value throws(ServerSetupError) in
                    guard key == "syslog" else { throw reader.unknown(key, in: "audit", value, known: ["syslog"]) }
                    configuration.audit.syslog = try reader.syslog(value)
                }
            case "logging":
                try reader.fields(value, in: key) { key, value throws(ServerSetupError) in
                    switch key {
                    case "format":
                        let text = try reader.string(value, "logging.format")
                        do { configuration.logging.format = try LogFormat.named(text) } catch { throw reader.error(value, "logging.format: \(error)") }
                    case "level":
                        let text = try reader.string(value, "logging.level")
                        do { configuration.logging.level = try LogLevel.named(text) } catch { throw reader.error(value, "logging.level: \(error)") }
                    default:
                        throw reader.unknown(key, in: "logging", value, known: ["format", "level"])
                    }
                }
            default:
                throw reader.unknown(key, in: "the top level", value,
                                     known: ["ae_title", "listen", "dicom", "http", "archive", "query", "shutdown", "oidc", "self_scan", "audit", "logging"])
            }
        }
        return configuration
    }

    /// Typed access to YAML nodes, with errors that name the file, line and key (the policy file
    /// reads with it too).
    struct Reader {
        let source: String

        func error(_ node: Node, _ message: String) -> ServerSetupError {
            ServerSetupError("\(source)\(node.mark.map { ":\($0.line)" } ?? ""): \(message)")
        }

        func unknown(_ key: String, in section: String, _ node: Node, known: [String]) -> ServerSetupError {
            error(node, "unknown key \"\(key)\" in \(section) (known: \(known.joined(separator: ", ")))")
        }

        func fields(_ node: Node, in section: String, _ body: (String, Node) throws(ServerSetupError) -> Void) throws(ServerSetupError) {
            guard let mapping = node.mapping else { throw error(node, "\(section) must be a mapping of keys to values") }
            for (key, value) in mapping {
                guard let name = key.string else { throw error(key, "a key in \(section) is not text") }
                try body(name, value)
            }
        }

        func string(_ node: Node, _ key: String) throws(ServerSetupError) -> String {
            guard case .scalar = node, let text = node.string else { throw error(node, "\(key) must be text") }
            return text
        }

        func int(_ node: Node, _ key: String) throws(ServerSetupError) -> Int {
            guard let value = node.int else { throw error(node, "\(key) must be a whole number") }
            return value
        }

        func bool(_ node: Node, _ key: String) throws(ServerSetupError) -> Bool {
            guard let value = node.bool else { throw error(node, "\(key) must be true or false") }
            return value
        }

        /// `oidc:`, a list of providers, each with its issuer, audience, JWKS file and claims.
        func identityProviders(_ node: Node) throws(ServerSetupError) -> [ServerConfiguration.OIDCSettings] {
            guard let items = node.sequence else { throw error(node, "oidc must be a list of identity providers (each item starts with - issuer: ...)") }
            var providers: [ServerConfiguration.OIDCSettings] = []
            let known = ["issuer", "audience", "jwks_file", "username_claim", "roles_claim", "role_map"] + Self.browserLoginKeys
            for item in items {
                var issuer: String?, audience: String?, jwks: String?, username: String?, roles: String?, map: [String: String]?
                var browser: [String: String] = [:]
                try fields(item, in: "an oidc provider") { name, value throws(ServerSetupError) in
                    switch name {
                    case _ where Self.browserLoginKeys.contains(name): browser[name] = try string(value, "oidc.\(name)")
                    case "issuer": issuer = try string(value, "oidc.issuer")
                    case "audience": audience = try string(value, "oidc.audience")
                    case "jwks_file": jwks = try string(value, "oidc.jwks_file")
                    case "username_claim": username = try string(value, "oidc.username_claim")
                    case "roles_claim": roles = try string(value, "oidc.roles_claim")
                    case "role_map":
                        var entries: [String: String] = [:]
                        try fields(value, in: "oidc.role_map") { group, role throws(ServerSetupError) in
                            entries[group] = try string(role, "oidc.role_map.\(group)")
                        }
                        map = entries
                    default: throw unknown(name, in: "an oidc provider", value, known: known)
                    }
                }
                for (key, present) in [("issuer", issuer), ("audience", audience), ("jwks_file", jwks), ("roles_claim", roles)]
                where present?.isEmpty ?? true {
                    throw error(item, "an oidc provider needs \(key) (known: \(known.joined(separator: ", ")))")
                }
                guard let issuer, let audience, let jwks, let roles else { continue }
                if issuer == "rampart" {
                    throw error(item, "oidc issuer \"rampart\" is this server's own: give the identity provider's issuer URL")
                }
                if providers.contains(where: { $0.issuer == issuer }) {
                    throw error(item, "oidc issuer \(issuer) is listed twice: one provider per issuer")
                }
                providers.append(.init(issuer: issuer, audience: audience, jwksFile: jwks, usernameClaim: username, rolesClaim: roles, roleMap: map,
                                       browserLogin: try browserLogin(browser, audience: audience, item)))
            }
            return providers
        }

        static let browserLoginKeys = ["authorization_endpoint", "token_endpoint", "client_id", "scope", "display_name"]

        /// An `oidc:` entry's browser login: none without any of its keys; with some, the
        /// endpoints and the button's name are needed, and the endpoints must be HTTPS (plain HTTP
        /// only on loopback, where a test IdP runs).
        private func browserLogin(_ keys: [String: String], audience: String, _ item: Node) throws(ServerSetupError)
            -> ServerConfiguration.BrowserLoginSettings? {
            guard !keys.isEmpty else { return nil }
            for key in ["authorization_endpoint", "token_endpoint", "display_name"] where keys[key]?.isEmpty ?? true {
                throw error(item, "an oidc provider offered for browser login needs \(key) (with authorization_endpoint, token_endpoint and display_name)")
            }
            guard let authorization = keys["authorization_endpoint"], let token = keys["token_endpoint"], let name = keys["display_name"] else { return nil }
            for (key, endpoint) in [("authorization_endpoint", authorization), ("token_endpoint", token)] {
                guard let url = URLComponents(string: endpoint), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty,
                      url.fragment == nil, scheme == "https" || (scheme == "http" && ServerConfiguration.isLoopback(host))
                else {
                    throw error(item, "oidc.\(key) \(endpoint) is not an https:// URL (plain http:// only on loopback), without #fragment")
                }
            }
            let scope = keys["scope"] ?? ServerConfiguration.BrowserLoginSettings.defaultScope
            guard scope.split(separator: " ").contains("openid") else {
                throw error(item, "oidc.scope \"\(scope)\" lacks openid: without it the provider gives no ID token")
            }
            return .init(displayName: name, authorizationEndpoint: authorization, tokenEndpoint: token, clientID: keys["client_id"] ?? audience, scope: scope)
        }

        func tls(_ node: Node, in section: String = "dicom.tls") throws(ServerSetupError) -> ServerConfiguration.TLSSettings {
            var certificate: String?, key: String?, ca: String?, require = false
            // HTTPS asks no client certificate yet: its section takes the server's own files only.
            let known = section == "dicom.tls" ? ["certificate", "private_key", "trusted_ca", "require_client_certificate"] : ["certificate", "private_key"]
            try fields(node, in: section) { name, value throws(ServerSetupError) in
                guard known.contains(name) else { throw unknown(name, in: section, value, known: known) }
                switch name {
                case "certificate": certificate = try string(value, section + ".certificate")
                case "private_key": key = try string(value, section + ".private_key")
                case "trusted_ca": ca = try string(value, section + ".trusted_ca")
                default: require = try bool(value, section + ".require_client_certificate")
                }
            }
            guard let certificate, let key else { throw error(node, "\(section) needs both certificate and private_key") }
            if require && ca == nil { throw error(node, "\(section).require_client_certificate needs trusted_ca") }
            return .init(certificate: certificate, privateKey: key, trustedCA: ca, requireClientCertificate: require)
        }

        func http(_ node: Node) throws(ServerSetupError) -> ServerConfiguration.HTTPSettings {
            var settings = ServerConfiguration.HTTPSettings()
            try fields(node, in: "http") { name, value throws(ServerSetupError) in
                switch name {
                case "port": settings.port = try int(value, "http.port")
                case "tls": settings.tls = try tls(value, in: "http.tls")
                case "cors_origins":
                    guard let items = value.sequence else { throw error(value, "http.cors_origins must be a list of origins") }
                    settings.corsOrigins = try items.map { item throws(ServerSetupError) in try string(item, "http.cors_origins") }
                case "max_store_bytes": settings.maximumStoreBytes = try int(value, "http.max_store_bytes")
                case "requests_per_minute_per_host": settings.requestsPerMinutePerHost = try int(value, "http.requests_per_minute_per_host")
                case "idle_timeout_seconds": settings.idleTimeoutSeconds = try int(value, "http.idle_timeout_seconds")
                default: throw unknown(name, in: "http", value, known: ["port", "tls", "cors_origins", "max_store_bytes", "requests_per_minute_per_host",
                                                                         "idle_timeout_seconds"])
                }
            }
            return settings
        }

        /// `audit.syslog`: the collector the audit log is exported to.
        func syslog(_ node: Node) throws(ServerSetupError) -> ServerConfiguration.SyslogSettings {
            var host: String?, port: Int?, transport = ServerConfiguration.SyslogSettings.Transport.tls
            var ca: String?, certificate: String?, key: String?, facility = 10
            let known = ["host", "port", "transport", "ca", "certificate", "private_key", "facility"]
            try fields(node, in: "audit.syslog") { name, value throws(ServerSetupError) in
                switch name {
                case "host": host = try string(value, "audit.syslog.host")
                case "port":
                    let number = try int(value, "audit.syslog.port")
                    guard (1...65535).contains(number) else { throw error(value, "audit.syslog.port \(number) is not a port (1-65535)") }
                    port = number
                case "transport":
                    let text = try string(value, "audit.syslog.transport")
                    guard let chosen = ServerConfiguration.SyslogSettings.Transport(rawValue: text) else {
                        throw error(value, "audit.syslog.transport must be tls (RFC 5425) or udp (RFC 5426), not \(text)")
                    }
                    transport = chosen
                case "ca": ca = try string(value, "audit.syslog.ca")
                case "certificate": certificate = try string(value, "audit.syslog.certificate")
                case "private_key": key = try string(value, "audit.syslog.private_key")
                case "facility":
                    facility = try int(value, "audit.syslog.facility")
                    guard facility == 10 || facility == 13 else {
                        throw error(value, "audit.syslog.facility must be 10 (authpriv) or 13 (log audit), as IHE ATNA asks, not \(facility)")
                    }
                default: throw unknown(name, in: "audit.syslog", value, known: known)
                }
            }
            guard let host, !host.isEmpty else { throw error(node, "audit.syslog needs host, the collector's name or address") }
            switch transport {
            case .tls:
                guard ca != nil else {
                    throw error(node, "audit.syslog over tls needs ca, the PEM file of the CA that signs the collector's certificate")
                }
                if (certificate == nil) != (key == nil) {
                    throw error(node, "audit.syslog needs both certificate and private_key for a client certificate, or neither")
                }
            case .udp:
                if ca != nil || certificate != nil || key != nil {
                    throw error(node, "audit.syslog over udp has no TLS: remove ca, certificate and private_key, or use transport: tls")
                }
            }
            return .init(host: host, port: port ?? ServerConfiguration.SyslogSettings.defaultPort(transport), transport: transport, ca: ca,
                         certificate: certificate, privateKey: key, facility: facility)
        }

        func limits(_ node: Node) throws(ServerSetupError) -> AssociationLimits {
            var limits = AssociationLimits()
            try fields(node, in: "dicom.limits") { name, value throws(ServerSetupError) in
                switch name {
                case "max_associations": limits.maximumAssociations = try int(value, "dicom.limits.max_associations")
                case "max_associations_per_host": limits.maximumAssociationsPerHost = try int(value, "dicom.limits.max_associations_per_host")
                case "associations_per_minute_per_host":
                    limits.associationsPerMinutePerHost = try int(value, "dicom.limits.associations_per_minute_per_host")
                default:
                    throw unknown(name, in: "dicom.limits", value,
                                  known: ["max_associations", "max_associations_per_host", "associations_per_minute_per_host"])
                }
            }
            return limits
        }
    }

    /// What `rampart init` writes: every setting with its default and a line saying what it does.
    public static func initialText(tls: ServerConfiguration.TLSSettings) -> String {
        let defaults = ServerConfiguration()
        return """
            # rampart.yaml: configuration of `rampart serve` for this data folder.
            # Flags (rampart serve --help) and RAMPART_* environment variables override it.
            # Paths are relative to the data folder.

            # The archive's own AE title.
            ae_title: \(defaults.aeTitle)

            # Address to listen on. Beyond loopback only DICOM over TLS and HTTPS are served:
            # set dicom.port to 0 first.
            listen: \(defaults.listen)

            dicom:
              # Plain DICOM, for peers on this machine; 0 turns it off.
              port: \(defaults.dicom.port)
              # DICOM over TLS (PS3.15 B.9); 0 turns it off.
              tls_port: \(defaults.dicom.tlsPort)
              tls:
                certificate: \(tls.certificate)
                private_key: \(tls.privateKey)
                # CAs whose client certificates peers may present (tls/ca.pem, the local CA, is always
                # accepted): a hospital's own CA, say. A certificate admits an AE only once it is bound
                # to it (rampart ae certificate, or rampart ae add --certificate).
                trusted_ca: \(tls.trustedCA ?? "")
                # true: a peer without a client certificate from these CAs cannot connect.
                require_client_certificate: \(tls.requireClientCertificate)
              # Over a limit an association is rejected as transient (local limit exceeded), and
              # the log names the host and the limit. A peer host is its IP address.
              limits:
                # Associations open at once, from all peers, on both ports.
                max_associations: \(defaults.dicom.limits.maximumAssociations)
                # Associations open at once from one host (a modality opens a few).
                max_associations_per_host: \(defaults.dicom.limits.maximumAssociationsPerHost)
                # New associations from one host a minute, after a burst of as many (some
                # modalities open one per image).
                associations_per_minute_per_host: \(defaults.dicom.limits.associationsPerMinutePerHost)

            http:
              # DICOMweb over HTTPS, at https://HOST:PORT/dicomweb; 0 turns it off. Every request
              # needs a bearer token (rampart token issue) or a service account's API key.
              port: \(defaults.http.port)
              # The certificate HTTPS serves with; without this section, dicom.tls's.
              # tls:
              #   certificate: tls/server.pem
              #   private_key: tls/server-key.pem
              # Browser origins whose pages may call DICOMweb (CORS), such as a viewer's:
              # https://viewer.example.org. None by default.
              cors_origins: []
              # The largest STOW-RS request, in bytes.
              max_store_bytes: \(defaults.http.maximumStoreBytes)
              # Requests a minute from one client address, after a burst of as many; over it,
              # 429 Too Many Requests with Retry-After.
              requests_per_minute_per_host: \(defaults.http.requestsPerMinutePerHost)
              # Seconds a connection may send nothing of a request (before it, between requests,
              # or in the middle of one, as a slow "Slowloris" peer does) before it is closed.
              idle_timeout_seconds: \(defaults.http.idleTimeoutSeconds)

            archive:
              # A second object with an archived SOP Instance UID: keep (the first), replace, reject.
              duplicates: \(defaults.archive.duplicates.rawValue)
              # Where the index is: embedded (SQLite in the data folder), or PostgreSQL,
              # postgres://user@host:5432/database, for several nodes (docs/scaling.md). Its
              # password comes from RAMPART_INDEX_PASSWORD or index_password_file, never the URL.
              index: embedded
              # Where the objects are: local (the data folder's archive/blobs), or an
              # S3-compatible store, s3://bucket/prefix?endpoint=https://host:9000&region=us-east-1
              # (docs/scaling.md). Its credentials come from AWS_ACCESS_KEY_ID and
              # AWS_SECRET_ACCESS_KEY or blobs_credentials_file, never the URL.
              blobs: local
              # Seal every object at rest (AES-256-GCM) with this key file, made by
              # `rampart object-store create-key`. Keep a copy of it safe: without it no object
              # can be read. Outside the data folder, it stays out of rampart backup's snapshots.
              # encryption_key_file: blob-key

            query:
              # C-FIND person names match regardless of letter case.
              case_insensitive_person_names: \(defaults.query.caseInsensitivePersonNames)

            shutdown:
              # On SIGTERM or SIGINT: stop accepting, let associations finish for this long.
              grace_period_seconds: \(defaults.shutdown.gracePeriodSeconds)

            logging:
              # The log on standard error: text (for people), json or logfmt (for a log collector:
              # one line per event with its time, level, message and the association or request
              # it belongs to). It never holds patient data.
              format: \(defaults.logging.format.rawValue)
              # debug, info, notice (refusals), warning (failures for one peer), error (for the operator).
              level: \(defaults.logging.level)

            # OpenID Connect identity providers whose tokens sign users in (DICOM user identity
            # type 5). Save each provider's JWKS (its jwks_uri) to a file: keys are never fetched.
            # oidc:
            #   - issuer: https://idp.example.org/realms/hospital
            #     audience: rampart
            #     jwks_file: oidc/hospital-jwks.json
            #     username_claim: preferred_username
            #     roles_claim: realm_access.roles
            #     role_map:
            #       pacs-radiologists: radiologist
            #     # "Log in with" it on the web UI's login page (authorization code flow with PKCE, done
            #     # by the browser: register the UI at the IdP as a public client with redirect URI
            #     # https://THIS-SERVER/ui/ and let the token endpoint answer it with CORS):
            #     display_name: Hospital login
            #     authorization_endpoint: https://idp.example.org/realms/hospital/protocol/openid-connect/auth
            #     token_endpoint: https://idp.example.org/realms/hospital/protocol/openid-connect/token
            #     client_id: rampart-ui        # default: the audience
            #     scope: openid profile        # the default

            # The central audit repository the audit log is exported to, over syslog: TLS (RFC 5425,
            # as IHE ATNA requires; records wait in the audit log while the collector is down) or
            # UDP (RFC 5426: in clear, and what is sent while the collector is down is lost).
            # audit:
            #   syslog:
            #     host: audit.example.org
            #     port: 6514
            #     transport: tls
            #     ca: tls/collector-ca.pem            # the CA of the collector's certificate
            #     certificate: tls/audit-client.pem   # optional: mutual TLS
            #     private_key: tls/audit-client-key.pem
            #     facility: 10                        # 10 authpriv, or 13 log audit

            """
    }
}
