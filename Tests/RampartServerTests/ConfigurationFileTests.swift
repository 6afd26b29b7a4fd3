import Archive
import DICOMNetwork
import Foundation
import ObjectStorage
import RampartServer
import Testing

@Suite struct ConfigurationFileTests {
    @Test func emptyFileGivesTheDefaults() throws {
        let configuration = try ConfigurationFile.parse("", source: "rampart.yaml")
        #expect(configuration == ServerConfiguration())
        #expect(configuration.listen == "127.0.0.1")
        #expect(configuration.dicom.port == 11112)
        #expect(configuration.dicom.tlsPort == 2762)
        #expect(configuration.dicom.tls == nil)
    }

    @Test func everyKeyIsRead() throws {
        let text = """
            ae_title: ARCHIVE1
            listen: 0.0.0.0
            dicom:
              port: 0
              tls_port: 2763
              tls:
                certificate: tls/server.pem
                private_key: tls/server-key.pem
                trusted_ca: tls/ca.pem
                require_client_certificate: true
              limits:
                max_associations: 100
                max_associations_per_host: 4
                associations_per_minute_per_host: 30
            archive:
              duplicates: reject
            query:
              case_insensitive_person_names: false
            shutdown:
              grace_period_seconds: 5
            """
        let configuration = try ConfigurationFile.parse(text, source: "rampart.yaml")
        #expect(configuration.aeTitle == "ARCHIVE1")
        #expect(configuration.listen == "0.0.0.0")
        #expect(configuration.dicom.port == 0)
        #expect(configuration.dicom.tlsPort == 2763)
        #expect(configuration.dicom.tls == .init(certificate: "tls/server.pem", privateKey: "tls/server-key.pem",
                                                 trustedCA: "tls/ca.pem", requireClientCertificate: true))
        #expect(configuration.dicom.limits == AssociationLimits(maximumAssociations: 100, maximumAssociationsPerHost: 4,
                                                                associationsPerMinutePerHost: 30))
        #expect(configuration.archive.duplicates == .reject)
        #expect(configuration.query.caseInsensitivePersonNames == false)
        #expect(configuration.shutdown.gracePeriodSeconds == 5)
        try configuration.validate()
    }

    @Test func theIndexIsEmbeddedOrPostgresWithThePasswordFromTheEnvironmentOrAFile() throws {
        #expect(try ConfigurationFile.parse("archive:\n  index: embedded\n", source: "rampart.yaml").archive.index == nil)
        let configuration = try ConfigurationFile.parse("""
            archive:
              index: postgres://rampart@db.example.org:6432/pacs?schema=north
              index_password_file: index-password
            """, source: "rampart.yaml")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("index-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "from-file\n".write(toFile: folder + "/index-password", atomically: true, encoding: .utf8)
        guard case .postgres(let fromFile) = try configuration.archive.indexLocation(dataDirectory: folder, environment: [:]),
              case .postgres(let fromEnvironment) = try configuration.archive.indexLocation(
                dataDirectory: folder, environment: ["RAMPART_INDEX_PASSWORD": "from-environment"])
        else {
            Issue.record("archive.index names PostgreSQL")
            return
        }
        #expect(fromFile.host == "db.example.org" && fromFile.port == 6432 && fromFile.user == "rampart")
        #expect(fromFile.database == "pacs" && fromFile.schema == "north")
        // The password is used, never shown.
        #expect(!"\(fromFile)".contains("from-file") && !"\(fromEnvironment)".contains("from-environment"))
        // Beyond loopback the index is reached over TLS with the server verified, unless told otherwise.
        #expect("\(fromFile)" == "postgres://rampart@db.example.org:6432/pacs?schema=north&sslmode=verify-full")
    }

    @Test func blobsAreLocalOrOnAnObjectStoreWithCredentialsFromTheEnvironmentOrAFile() throws {
        #expect(try ConfigurationFile.parse("archive:\n  blobs: local\n", source: "rampart.yaml").archive.blobs == nil)
        let configuration = try ConfigurationFile.parse("""
            archive:
              blobs: s3://pacs-blobs/north?endpoint=http://127.0.0.1:9000&path-style=1
              blobs_credentials_file: s3-credentials
              encryption_key_file: blob-key
            """, source: "rampart.yaml")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("blobs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // No key file yet: refused with the command that makes one.
        #expect { _ = try configuration.archive.blobStorage(dataDirectory: folder, environment: [:]) } throws: { error in
            "\(error)".contains("rampart object-store create-key \(folder)/blob-key")
        }
        try KeyFileProvider.create(at: folder + "/blob-key")
        try "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = from-file\n".write(toFile: folder + "/s3-credentials", atomically: true, encoding: .utf8)
        let (location, sealing) = try configuration.archive.blobStorage(dataDirectory: folder, environment: [:])
        guard case .objectStore(let store, let cacheBytes) = location else {
            Issue.record("archive.blobs names an object store")
            return
        }
        #expect(store.location.bucket == "pacs-blobs" && store.location.prefix == "north" && store.location.pathStyle)
        #expect(cacheBytes == 1024 << 20)
        #expect(sealing?.keyFile == folder + "/blob-key")
    }

    @Test func theFileInitWritesReadsBackAsTheDefaultsWithTLS() throws {
        let tls = ServerConfiguration.TLSSettings(certificate: "tls/server.pem", privateKey: "tls/server-key.pem", trustedCA: "tls/ca.pem")
        let configuration = try ConfigurationFile.parse(ConfigurationFile.initialText(tls: tls), source: "rampart.yaml")
        var expected = ServerConfiguration()
        expected.dicom.tls = tls
        #expect(configuration == expected)
    }

    @Test(arguments: [
        ("dicom:\n  tls_prot: 2762\n", "rampart.yaml:2: unknown key \"tls_prot\" in dicom"),
        ("listn: 0.0.0.0\n", "rampart.yaml:1: unknown key \"listn\""),
        ("dicom:\n  port: eleven\n", "rampart.yaml:2: dicom.port must be a whole number"),
        ("archive:\n  duplicates: sometimes\n", "archive.duplicates must be one of keep, replace, reject"),
        ("archive:\n  index: mysql://db/x\n", "archive.index must be embedded or a PostgreSQL URL"),
        ("archive:\n  index: postgres://rampart:secret@db/x\n", "the URL carries a password"),
        ("archive:\n  index: postgres://rampart@db/x?sslmode=prefer\n", "sslmode prefer is not one of disable, require, verify-full"),
        ("archive:\n  index: postgres://rampart@db/x?sslmode=require&sslrootcert=ca.pem\n", "sslrootcert is only used with sslmode=verify-full"),
        ("archive:\n  index: postgres://rampart@db/x?ssl=true\n", "ssl is not a parameter here (schema, sslmode, sslrootcert)"),
        ("archive:\n  blobs: /var/blobs\n", "archive.blobs must be local or an s3:// location"),
        ("archive:\n  blobs: s3://pacs-blobs/p?endpoint=http://h:9000&colour=red\n", "unknown option 'colour'"),
        ("archive:\n  unindexed_blob_grace_minutes: -1\n", "cannot be negative"),
        ("dicom: 11112\n", "dicom must be a mapping"),
        ("dicom:\n  tls:\n    certificate: a.pem\n", "dicom.tls needs both certificate and private_key"),
        ("dicom: [\n", "is not valid YAML"),
        ("dicom:\n  limits:\n    max_associations_per_ip: 2\n", "rampart.yaml:3: unknown key \"max_associations_per_ip\" in dicom.limits"),
    ])
    func mistakesAreRefusedWithTheirLine(text: String, message: String) {
        #expect {
            try ConfigurationFile.parse(text, source: "rampart.yaml")
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test func identityProvidersAreRead() throws {
        let text = """
            oidc:
              - issuer: https://idp.example.org/realms/hospital
                audience: rampart
                jwks_file: oidc/hospital.json
                roles_claim: realm_access.roles
                role_map:
                  pacs-radiologists: radiologist
              - issuer: https://login.example.com/tenant/v2.0
                audience: api://rampart
                jwks_file: /etc/rampart/entra.json
                username_claim: upn
                roles_claim: roles
            """
        let configuration = try ConfigurationFile.parse(text, source: "rampart.yaml")
        #expect(configuration.oidc == [
            .init(issuer: "https://idp.example.org/realms/hospital", audience: "rampart", jwksFile: "oidc/hospital.json",
                  rolesClaim: "realm_access.roles", roleMap: ["pacs-radiologists": "radiologist"]),
            .init(issuer: "https://login.example.com/tenant/v2.0", audience: "api://rampart", jwksFile: "/etc/rampart/entra.json",
                  usernameClaim: "upn", rolesClaim: "roles"),
        ])
    }

    @Test func aProviderOfferedForBrowserLoginIsRead() throws {
        let configuration = try ConfigurationFile.parse("""
            oidc:
              - issuer: https://idp.example.org/realms/hospital
                audience: rampart
                jwks_file: oidc/hospital.json
                roles_claim: realm_access.roles
                display_name: Hospital login
                authorization_endpoint: https://idp.example.org/realms/hospital/protocol/openid-connect/auth
                token_endpoint: https://idp.example.org/realms/hospital/protocol/openid-connect/token
              - issuer: http://127.0.0.1:9000
                audience: rampart
                jwks_file: oidc/test.json
                roles_claim: roles
                display_name: Test IdP
                authorization_endpoint: http://127.0.0.1:9000/authorize
                token_endpoint: http://127.0.0.1:9000/token
                client_id: rampart-ui
                scope: openid email
            """, source: "rampart.yaml")
        #expect(configuration.oidc.map(\.browserLogin) == [
            .init(displayName: "Hospital login", authorizationEndpoint: "https://idp.example.org/realms/hospital/protocol/openid-connect/auth",
                  tokenEndpoint: "https://idp.example.org/realms/hospital/protocol/openid-connect/token", clientID: "rampart", scope: "openid profile"),
            .init(displayName: "Test IdP", authorizationEndpoint: "http://127.0.0.1:9000/authorize", tokenEndpoint: "http://127.0.0.1:9000/token",
                  clientID: "rampart-ui", scope: "openid email"),
        ])
    }

    @Test(arguments: [
        ("display_name: H\n    authorization_endpoint: https://a/auth\n", "needs token_endpoint"),
        ("client_id: ui\n", "needs authorization_endpoint"),
        ("display_name: H\n    authorization_endpoint: http://idp.example.org/auth\n    token_endpoint: https://a/t\n",
         "oidc.authorization_endpoint http://idp.example.org/auth is not an https:// URL"),
        ("display_name: H\n    authorization_endpoint: https://a/auth\n    token_endpoint: /token\n", "oidc.token_endpoint /token is not"),
        ("display_name: H\n    authorization_endpoint: https://a/auth\n    token_endpoint: https://a/t\n    scope: profile\n", "lacks openid"),
    ])
    func browserLoginMistakesAreRefused(extra: String, message: String) {
        #expect {
            try ConfigurationFile.parse("oidc:\n  - issuer: https://a\n    audience: r\n    jwks_file: j\n    roles_claim: roles\n    " + extra,
                                        source: "rampart.yaml")
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test(arguments: [
        ("oidc:\n  issuer: x\n", "rampart.yaml:2: oidc must be a list"),
        ("oidc:\n  - issuer: https://a\n    audience: r\n    jwks_file: j\n    roles_claim: roles\n    jwks_url: x\n",
         "rampart.yaml:6: unknown key \"jwks_url\" in an oidc provider"),
        ("oidc:\n  - issuer: https://a\n    audience: r\n    jwks_file: j\n", "rampart.yaml:2: an oidc provider needs roles_claim"),
        ("oidc:\n  - issuer: rampart\n    audience: r\n    jwks_file: j\n    roles_claim: roles\n", "this server's own"),
        ("oidc:\n  - {issuer: https://a, audience: r, jwks_file: j, roles_claim: roles}\n  - {issuer: https://a, audience: s, jwks_file: k, roles_claim: roles}\n",
         "rampart.yaml:3: oidc issuer https://a is listed twice"),
        ("oidc:\n  - {issuer: https://a, audience: r, jwks_file: j, roles_claim: roles, role_map: [a]}\n", "oidc.role_map must be a mapping"),
    ])
    func identityProviderMistakesAreRefusedWithTheirLine(text: String, message: String) {
        #expect {
            try ConfigurationFile.parse(text, source: "rampart.yaml")
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test func auditExportIsRead() throws {
        let tls = try ConfigurationFile.parse("""
            audit:
              syslog:
                host: 127.0.0.1
                port: 6514
                transport: tls
                ca: tls/collector-ca.pem
                certificate: tls/audit-client.pem
                private_key: tls/audit-client-key.pem
                facility: 13
            """, source: "rampart.yaml")
        #expect(tls.audit.syslog == .init(host: "127.0.0.1", port: 6514, transport: .tls, ca: "tls/collector-ca.pem",
                                          certificate: "tls/audit-client.pem", privateKey: "tls/audit-client-key.pem", facility: 13))
        let udp = try ConfigurationFile.parse("audit:\n  syslog:\n    host: collector.example.org\n    transport: udp\n", source: "rampart.yaml")
        #expect(udp.audit.syslog == .init(host: "collector.example.org", port: 514, transport: .udp, facility: 10))
        #expect(try ConfigurationFile.parse("audit:\n  syslog:\n    host: h\n    ca: ca.pem\n", source: "rampart.yaml").audit.syslog?.port == 6514)
    }

    @Test(arguments: [
        ("audit:\n  syslog:\n    port: 6514\n    ca: ca.pem\n", "rampart.yaml:3: audit.syslog needs host"),
        ("audit:\n  syslog:\n    host: h\n", "rampart.yaml:3: audit.syslog over tls needs ca"),
        ("audit:\n  syslog:\n    host: h\n    transport: tcp\n", "rampart.yaml:4: audit.syslog.transport must be tls (RFC 5425) or udp"),
        ("audit:\n  syslog:\n    host: h\n    transport: udp\n    ca: ca.pem\n", "audit.syslog over udp has no TLS"),
        ("audit:\n  syslog:\n    host: h\n    ca: ca.pem\n    certificate: c.pem\n", "both certificate and private_key"),
        ("audit:\n  syslog:\n    host: h\n    ca: ca.pem\n    facility: 4\n", "rampart.yaml:5: audit.syslog.facility must be 10 (authpriv) or 13"),
        ("audit:\n  syslog:\n    host: h\n    ca: ca.pem\n    port: 70000\n", "rampart.yaml:5: audit.syslog.port 70000 is not a port"),
        ("audit:\n  syslog:\n    host: h\n    ca: ca.pem\n    tls: true\n", "rampart.yaml:5: unknown key \"tls\" in audit.syslog"),
        ("audit:\n  syslogs: {}\n", "unknown key \"syslogs\" in audit"),
    ])
    func auditExportMistakesAreRefusedWithTheirLine(text: String, message: String) {
        #expect {
            try ConfigurationFile.parse(text, source: "rampart.yaml")
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test func flagsAndEnvironmentOverrideTheFile() throws {
        let file = try ConfigurationFile.parse("ae_title: FROMFILE\ndicom:\n  port: 104\n", source: "rampart.yaml")
        let resolved = file.applying(.init(aeTitle: "FROMFLAG", dicomTLSPort: 0))
        #expect(resolved.aeTitle == "FROMFLAG")
        #expect(resolved.dicom.port == 104)
        #expect(resolved.dicom.tlsPort == 0)
    }

    @Test func plainDICOMBeyondLoopbackIsRefusedWithWhatToChange() throws {
        var configuration = ServerConfiguration()
        configuration.listen = "0.0.0.0"
        #expect {
            try configuration.validate()
        } throws: { error in
            "\(error)".contains("dicom.port: 0")
        }
        configuration.dicom.port = 0
        #expect {
            try configuration.validate()
        } throws: { error in
            "\(error)".contains("DICOM TLS is off") || "\(error)".contains("without DICOM TLS")
        }
        configuration.dicom.tls = .init(certificate: "c.pem", privateKey: "k.pem")
        try configuration.validate()
        configuration.dicom.tlsPort = 0
        #expect(throws: ServerSetupError.self) { try configuration.validate() }
        try ServerConfiguration().validate()
    }

    @Test func httpsTakesTheDICOMCertificateAndCORSOriginsAreChecked() throws {
        var configuration = ServerConfiguration()
        configuration.listen = "0.0.0.0"
        configuration.dicom.port = 0
        configuration.dicom.tls = .init(certificate: "c.pem", privateKey: "k.pem")
        // HTTPS takes the DICOM TLS certificate when http.tls names none.
        try configuration.validate()
        configuration.dicom.tls = nil
        configuration.dicom.tlsPort = 0
        configuration.dicom.port = 11112
        configuration.listen = "127.0.0.1"
        try configuration.validate()
        var exposed = try ConfigurationFile.parse("""
            listen: 0.0.0.0
            dicom:
              port: 0
              tls: {certificate: c.pem, private_key: k.pem}
            http:
              port: 443
              tls: {certificate: web.pem, private_key: web-key.pem}
              cors_origins: [https://viewer.example.org]
            """, source: "rampart.yaml")
        #expect(exposed.http.certificate(dicom: exposed.dicom)?.certificate == "web.pem")
        #expect(exposed.http.corsOrigins == ["https://viewer.example.org"])
        try exposed.validate()
        exposed.http.tls = nil
        exposed.dicom.tls = nil
        // No certificate at all beyond loopback: refused, naming DICOM TLS, whose certificate HTTPS would take.
        #expect {
            try exposed.validate()
        } throws: { error in
            "\(error)".contains("DICOM TLS is off")
        }
        exposed.dicom.tls = .init(certificate: "c.pem", privateKey: "k.pem")
        exposed.http.corsOrigins = ["*"]
        #expect {
            try exposed.validate()
        } throws: { error in
            "\(error)".contains("http.cors_origins: * is not an origin")
        }
    }

    @Test func theHTTPTLSSectionTakesTheServersOwnFilesOnly() throws {
        #expect {
            try ConfigurationFile.parse("http:\n  tls: {certificate: a.pem}\n", source: "rampart.yaml")
        } throws: { error in
            "\(error)".contains("http.tls needs both certificate and private_key")
        }
        #expect {
            try ConfigurationFile.parse("http:\n  tls: {certificate: a.pem, private_key: b.pem, trusted_ca: c.pem}\n", source: "rampart.yaml")
        } throws: { error in
            "\(error)".contains("unknown key \"trusted_ca\" in http.tls")
        }
    }

    @Test func badValuesAreRefused() {
        var configuration = ServerConfiguration()
        configuration.aeTitle = "MUCH TOO LONG FOR AN AE"
        #expect(throws: ServerSetupError.self) { try configuration.validate() }
        configuration = ServerConfiguration()
        configuration.dicom.port = 70000
        #expect(throws: ServerSetupError.self) { try configuration.validate() }
    }

    @Test func aLimitOfNoneIsRefusedWithTheSetting() throws {
        let configuration = try ConfigurationFile.parse("dicom:\n  limits:\n    associations_per_minute_per_host: 0\n", source: "rampart.yaml")
        #expect {
            try configuration.validate()
        } throws: { error in
            "\(error)".contains("dicom.limits.associations_per_minute_per_host is 0")
        }
    }
}
