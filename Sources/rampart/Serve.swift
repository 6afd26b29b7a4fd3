import Access
import ArgumentParser
import Logs
import Audit
import DICOMNetwork
import Foundation
import RampartServer
import Web
#if canImport(Glibc)
import Glibc
#endif

/// Where the archive's data lives; every command that works on an archive takes it.
struct DataDirectoryOption: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "The archive's data folder (env RAMPART_DATA_DIR).")
    var dataDirectory: String = environment("RAMPART_DATA_DIR") ?? "./data"

    /// The configuration file: `flag` (serve's --config), else RAMPART_CONFIG, else rampart.yaml
    /// in the data folder.
    func configurationFile(flag: String? = nil) -> ConfigurationFile {
        ConfigurationFile(path: flag ?? environment("RAMPART_CONFIG") ?? dataDirectory + "/" + ConfigurationFile.name)
    }
}

func environment(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the archive: DICOM (C-ECHO, C-STORE, C-FIND, C-MOVE, C-GET), plain on loopback and over TLS, and DICOMweb over HTTPS.",
        discussion: """
            Settings come from rampart.yaml in the data folder (rampart init writes it), then from \
            RAMPART_* environment variables, then from these flags. SIGTERM or SIGINT stops accepting \
            and lets open associations finish (shutdown.grace_period_seconds).
            """)

    @OptionGroup var data: DataDirectoryOption

    @Option(help: "Configuration file (env RAMPART_CONFIG; default: rampart.yaml in the data folder).")
    var config: String?

    @Option(name: .customLong("dicom-port"), help: "Plain DICOM port, 0 for none (env RAMPART_DICOM_PORT; default 11112).")
    var dicomPort: Int?

    @Option(name: .customLong("dicom-tls-port"), help: "DICOM TLS port, 0 for none (env RAMPART_DICOM_TLS_PORT; default 2762).")
    var dicomTLSPort: Int?

    @Option(name: .customLong("http-port"), help: "DICOMweb (HTTPS) port, 0 for none (env RAMPART_HTTP_PORT; default 8443).")
    var httpPort: Int?

    @Flag(name: .customLong("no-tls"), help: "No DICOM TLS listener (the same as --dicom-tls-port 0); allowed on loopback only.")
    var noTLS = false

    @Option(help: "Address to listen on (env RAMPART_LISTEN; default 127.0.0.1). Beyond loopback only TLS is served.")
    var listen: String?

    @Option(name: .customLong("ae"), help: "The server's AE title (env RAMPART_AE_TITLE; default RAMPART).")
    var aeTitle: String?

    @Option(name: .customLong("log-format"), help: "text, json or logfmt (env RAMPART_LOG_FORMAT; default text).")
    var logFormat: String?

    @Option(name: .customLong("log-level"), help: "debug, info, notice, warning or error (env RAMPART_LOG_LEVEL; default info).")
    var logLevel: String?

    func run() async throws {
        let log: Log
        let folder = data.dataDirectory
        let service: RampartDICOMService
        let configuration: ServerConfiguration
        let fileConfiguration: ServerConfiguration
        let audit: AuditTrail
        let export: AuditExportService?
        let file = data.configurationFile(flag: config)
        do {
            let overrides = ServerConfiguration.Overrides(
                aeTitle: aeTitle ?? environment("RAMPART_AE_TITLE"),
                listen: listen ?? environment("RAMPART_LISTEN"),
                dicomPort: try dicomPort ?? Self.integer("RAMPART_DICOM_PORT"),
                dicomTLSPort: noTLS ? 0 : try dicomTLSPort ?? Self.integer("RAMPART_DICOM_TLS_PORT"),
                httpPort: try httpPort ?? Self.integer("RAMPART_HTTP_PORT"),
                logFormat: try (logFormat ?? environment("RAMPART_LOG_FORMAT")).map { text throws(ServerSetupError) in
                    do { return try LogFormat.named(text) } catch { throw ServerSetupError("the log format \(error)") }
                },
                logLevel: try (logLevel ?? environment("RAMPART_LOG_LEVEL")).map { text throws(ServerSetupError) in
                    do { return try LogLevel.named(text) } catch { throw ServerSetupError("the log level \(error)") }
                })
            // rampart.yaml, then what was changed at run time (settings.json), then environment and flags.
            fileConfiguration = try file.load()
            configuration = try RunTimeSettings.applyingSaved(to: fileConfiguration, dataDirectory: folder).applying(overrides)
            log = Log(writer: LogWriter(format: configuration.logging.format, minimum: configuration.logging.level))
            // Audit export (audit.syslog): the trail wakes the exporter after each append, and
            // each record goes out as a DICOM audit message (PS3.15 A.5), as IHE ATNA expects.
            let exportWakeup = ExportWakeup()
            audit = try AuditTrail(dataDirectory: folder, appended: { exportWakeup.signal() })
            let messageSource = AuditMessageSource(aeTitle: configuration.aeTitle)
            export = try configuration.audit.syslog.map { settings throws(ServerSetupError) in
                try AuditExportService(store: audit.store, settings: settings, dataDirectory: folder, wakeup: exportWakeup,
                                       log: log, message: { record in AuditMessage.xml(record.event, source: messageSource) })
            }
            service = try RampartDICOMService(dataDirectory: folder, configuration: configuration, fileConfiguration: fileConfiguration, audit: audit, auditExport: export?.exporter, log: log) { kind, address in
                standardOutput().writeLine(Self.listening(kind, port: address.port ?? 0, configuration))
            }
        } catch {
            standardError("rampart: \(error)")
            throw ExitCode(78)  // EX_CONFIG
        }
        let recovery = service.archive.recoveryReport
        if !recovery.isClean {
            standardError("rampart: \(recovery)")
        }
        // Objects of the object store without a row (older than the grace period: others may be
        // between upload and commit): a walk of the bucket, so in the background; nothing to do
        // for a local folder. Not part of the service group: it ends on its own, and a stop
        // before it does leaves the rest to the next start.
        let archive = service.archive
        let grace = Duration.seconds(configuration.archive.unindexedBlobGraceMinutes * 60)
        Task {
            do {
                let removed = try await archive.removeUnindexedBlobs(olderThan: grace)
                if removed > 0 { standardError("rampart: recovery: removed \(removed) unindexed objects from the object store") }
            } catch {
                standardError("rampart: recovery: the object store could not be swept for unindexed objects: \(error)")
            }
        }
        if service.removedSpoolFiles > 0 {
            standardError("rampart: recovery: removed \(service.removedSpoolFiles) unacknowledged transfers from the spool folder")
        }
        let out = standardOutput()
        out.writeLine("rampart serve: data in \(folder)" + (file.exists ? ", configured by \(file.path)" : ", default configuration (no \(file.path): run rampart init)"))
        let registered = service.registry.entries.values.sorted { $0.title < $1.title }
        let byHost = registered.filter { $0.certificateSHA256 == nil }, byCertificate = registered.filter { $0.certificateSHA256 != nil }
        // DESIGN.md rule 3: each AE let in without a credential is an exception, said at start-up.
        if registered.isEmpty {
            out.writeLine("  no AE registered: only users (user identity negotiation) may associate. Register one: rampart ae add TITLE --host 127.0.0.1 --port 104")
        }
        if !byHost.isEmpty {
            out.writeLine("  AEs let in without a credential (title from its host): \(byHost.map { "\($0.title)@\($0.host)" }.joined(separator: ", "))")
        }
        if !byCertificate.isEmpty {
            out.writeLine("  AEs let in by their TLS client certificate: \(byCertificate.map(\.title).joined(separator: ", "))")
        }
        let policy = service.policy
        out.writeLine("  access policy: \(policy.source) (roles \(policy.roleNames.joined(separator: ", ")))")
        out.writeLine("  \(service.users.accounts.count) user account(s)\(service.users.isEmpty ? ": rampart init creates the first admin" : "")")
        for provider in configuration.oidc {
            out.writeLine("  tokens of identity provider \(provider.issuer) accepted (keys from \(provider.jwksFile), roles from \(provider.rolesClaim))")
            if let login = provider.browserLogin {
                out.writeLine("  web UI login offered as \"Log in with \(login.displayName)\" (client id \(login.clientID); the browser posts codes to \(login.tokenEndpoint))")
            }
        }
        out.writeLine("  audit log: \(audit.store.path)")
        if let exporter = export?.exporter {
            out.writeLine("  audit exported to \(exporter.collector) (syslog, facility \(exporter.collector.facility)), resuming after the record in \(exporter.cursor.path)")
        } else {
            out.writeLine("  audit not exported (no audit.syslog in rampart.yaml)")
        }
        if configuration.http.port != 0 {
            out.writeLine("  DICOMweb needs a bearer token (rampart token issue --user NAME) or a service account's API key (HTTP Basic)")
        }
        var started = "rampart serve started as AE \(configuration.aeTitle) on \(configuration.listen)"
        if !byHost.isEmpty {
            started += "; AEs let in without a credential (legacy exceptions): \(byHost.map { "\($0.title)@\($0.host)" }.joined(separator: ", "))"
        }
        do {
            try recordActivity(.applicationStart, started, byHost.map { AuditSubject(.account, "ae \($0.title)") }, in: audit)
            try await RampartServer.run([service] + (export.map { [$0] } ?? []), gracePeriodSeconds: configuration.shutdown.gracePeriodSeconds)
            try recordActivity(.applicationStop, "rampart serve stopped", [], in: audit)
            try audit.checkpoint()
        } catch let error as AuditError {
            standardError("rampart: \(error)")
            throw ExitCode(1)
        }
        out.writeLine("rampart serve: stopped")
    }

    /// Start and stop are Application Activity events (PS3.15 A.5.3.1); a start names the AEs
    /// admitted without a credential, the exceptions a reviewer must see.
    private func recordActivity(_ type: AuditEventType, _ what: String, _ subjects: [AuditSubject], in audit: AuditTrail) throws(AuditError) {
        try audit.append(AuditTrail.operatorEvent(.applicationActivity, type: type, subjects: subjects, reason: what))
    }

    /// The line that says a listener is up: where to connect, and what to trust.
    private static func listening(_ kind: RampartDICOMService.ListenerKind, port: Int, _ configuration: ServerConfiguration) -> String {
        let label = kind.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
        let host = configuration.listen.contains(":") ? "[\(configuration.listen)]" : configuration.listen
        switch kind {
        case .plain: return "  \(label)\(configuration.listen):\(port)  AE \(configuration.aeTitle)"
        case .tls: return "  \(label)\(configuration.listen):\(port)  AE \(configuration.aeTitle)  (peers trust \(configuration.dicom.tls?.trustedCA ?? "the server's CA"))"
        case .https:
            return "  \(label)https://\(host):\(port)/dicomweb  (clients trust tls/ca.pem, the local CA, unless http.tls names another certificate)\n"
                + "  Web UI    https://\(host):\(port)/ui/  (REST admin API at /api)"
        case .http:
            return "  \(kind.rawValue)  http://\(host):\(port)/dicomweb  (no certificate configured: loopback only)\n"
                + "  Web UI    http://\(host):\(port)/ui/  (REST admin API at /api)"
        }
    }

    private static func integer(_ name: String) throws(ServerSetupError) -> Int? {
        guard let text = environment(name) else { return nil }
        guard let value = Int(text) else { throw ServerSetupError("\(name)=\(text) is not a whole number") }
        return value
    }
}

struct AE: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ae",
        abstract: "Register the application entities (modalities, workstations) allowed to associate.",
        subcommands: [Add.self, List.self, Remove.self, IssueCertificate.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register an AE: it may associate from this host (or, with --certificate, from any host holding that certificate), "
                + "and is a C-MOVE destination at host:port.")
        @OptionGroup var data: DataDirectoryOption
        @Argument var title: String
        @Option var host: String
        @Option var port: Int
        @Option(name: .customLong("role"), help: "A role the AE acts with (repeatable; default modality: store and query).")
        var roles: [String] = []
        @Option(name: .customLong("certificate"), help: ArgumentHelp(
            "The device's TLS client certificate (PEM; the first of a chain): the AE is admitted only over DICOM TLS with exactly "
                + "this certificate, from any host. Without it a certificate bound earlier stays bound.", valueName: "file.pem"))
        var certificate: String?

        func run() async throws {
            let fingerprint: CertificateFingerprint?
            do {
                fingerprint = try certificate.map { path throws in try CertificateFingerprint(pem: String(contentsOfFile: path, encoding: .utf8), source: path) }
            } catch {
                standardError("rampart: \(error)")
                throw ExitCode(1)
            }
            try await administer(data.dataDirectory) { administrator, grant in
                let registered = try administrator.putApplicationEntity(
                    title, ApplicationEntityChange(host: host, port: port, roles: roles.isEmpty ? nil : roles, certificateSHA256: fingerprint?.hex),
                    grant: grant)
                return SiteAdministrator.registration(registered)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the registered AEs.")
        @OptionGroup var data: DataDirectoryOption

        func run() throws {
            do {
                for entry in try AERegistryFile(dataDirectory: data.dataDirectory).load().entries.values.sorted(by: { $0.title < $1.title }) {
                    print("\(entry.title)\t\(entry.host)\t\(entry.port)\t\((entry.roles ?? [Role.modality.rawValue]).joined(separator: ","))"
                          + "\t\(entry.certificateSHA256.map { "sha256:\($0)" } ?? "host")")
                }
            } catch {
                standardError("rampart: \(error)")
                throw ExitCode(1)
            }
        }
    }

    struct IssueCertificate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "certificate",
            abstract: "Issue a TLS client certificate for a registered AE from the local CA, and bind the AE to it.",
            discussion: """
                Writes TITLE.pem (the certificate), TITLE-key.pem (its private key) and ca.pem (the CA the device \
                checks the server against) to --out, each readable by the owner only. Install them on the device and \
                let it call the DICOM TLS port; from then on only that certificate admits the AE. Running it again \
                issues a new certificate and the old one no longer admits the AE.
                """)
        @OptionGroup var data: DataDirectoryOption
        @Argument var title: String
        @Option(help: "The folder to write the certificate and key to (created if needed).")
        var out: String
        @Option(help: "Days the certificate is valid.")
        var days = 398

        func run() throws {
            let file = AERegistryFile(dataDirectory: data.dataDirectory)
            do {
                var registry = try file.load()
                guard var entry = registry[title] else {
                    throw ServerSetupError("\(title) is not registered: register it first with rampart ae add \(title) --host H --port P")
                }
                let authorityFiles = LocalCertificateAuthorityFiles(dataDirectory: data.dataDirectory)
                let issued = try authorityFiles.load().issueClient(commonName: entry.title, days: days)
                let certificatePEM = try issued.certificatePEM
                let fingerprint = try CertificateFingerprint(pem: certificatePEM, source: "the issued certificate")
                try DataFolder.ensure(out)
                let name = Self.fileName(entry.title)
                let certificatePath = out + "/" + name + ".pem", keyPath = out + "/" + name + "-key.pem", caPath = out + "/ca.pem"
                try DataFolder.writePrivately(Data(issued.privateKeyPEM.utf8), to: keyPath)
                try DataFolder.writePrivately(Data(certificatePEM.utf8), to: certificatePath)
                try DataFolder.writePrivately(Data(contentsOf: URL(fileURLWithPath: authorityFiles.certificatePath)), to: caPath)
                let previous = entry.certificateSHA256
                entry.certificateSHA256 = fingerprint.hex
                registry.add(entry)
                try file.save(registry)
                try recordSecurityChange("issued a client certificate for \(entry.title) and bound it (sha256 \(fingerprint.hex))",
                                         subjects: [AuditSubject(.account, "ae \(entry.title)")], type: .securityConfiguration,
                                         dataDirectory: data.dataDirectory)
                print("issued a client certificate for \(entry.title), valid \(days) days: \(certificatePath), key \(keyPath), CA \(caPath)")
                print("\(entry.title) is bound to the client certificate sha256 \(fingerprint.hex)")
                if let previous, previous != fingerprint.hex {
                    print("the certificate bound before (sha256 \(previous)) no longer admits \(entry.title)")
                }
            } catch {
                standardError("rampart: \(error)")
                throw ExitCode(1)
            }
        }

        /// An AE title as a file name: letters, digits, '-' and '_' kept, anything else '_'.
        static func fileName(_ title: String) -> String {
            String(title.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "_" })
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a registered AE.")
        @OptionGroup var data: DataDirectoryOption
        @Argument var title: String

        func run() async throws {
            try await administer(data.dataDirectory) { administrator, grant in
                try administrator.removeApplicationEntity(title, grant: grant)
                return "removed \(title)"
            }
        }
    }
}
