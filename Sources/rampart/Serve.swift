import Access
import ArgumentParser
import DICOMNetwork
import RampartServer
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
        abstract: "Run the archive: DICOM (C-ECHO, C-STORE, C-FIND, C-MOVE, C-GET), plain on loopback and over TLS.",
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

    @Flag(name: .customLong("no-tls"), help: "No DICOM TLS listener (the same as --dicom-tls-port 0); allowed on loopback only.")
    var noTLS = false

    @Option(help: "Address to listen on (env RAMPART_LISTEN; default 127.0.0.1). Beyond loopback only TLS is served.")
    var listen: String?

    @Option(name: .customLong("ae"), help: "The server's AE title (env RAMPART_AE_TITLE; default RAMPART).")
    var aeTitle: String?

    func run() async throws {
        let log = FileLog.standardError
        let folder = data.dataDirectory
        let service: RampartDICOMService
        let configuration: ServerConfiguration
        let file = data.configurationFile(flag: config)
        do {
            let overrides = ServerConfiguration.Overrides(
                aeTitle: aeTitle ?? environment("RAMPART_AE_TITLE"),
                listen: listen ?? environment("RAMPART_LISTEN"),
                dicomPort: try dicomPort ?? Self.integer("RAMPART_DICOM_PORT"),
                dicomTLSPort: noTLS ? 0 : try dicomTLSPort ?? Self.integer("RAMPART_DICOM_TLS_PORT"))
            configuration = try file.load().applying(overrides)
            service = try RampartDICOMService(dataDirectory: folder, configuration: configuration, log: { log.write($0) }) { kind, address in
                let caNote = kind == .tls ? "  (peers trust \(configuration.dicom.tls?.trustedCA ?? "the server's CA"))" : ""
                standardOutput().writeLine("  \(kind.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0))\(configuration.listen):\(address.port ?? 0)  AE \(configuration.aeTitle)\(caNote)")
            }
        } catch {
            standardError("rampart: \(error)")
            throw ExitCode(78)  // EX_CONFIG
        }
        let recovery = service.archive.recoveryReport
        if !recovery.isClean {
            standardError("rampart: \(recovery)")
        }
        if service.removedSpoolFiles > 0 {
            standardError("rampart: recovery: removed \(service.removedSpoolFiles) unacknowledged transfers from the spool folder")
        }
        let out = standardOutput()
        out.writeLine("rampart serve: data in \(folder)" + (file.exists ? ", configured by \(file.path)" : ", default configuration (no \(file.path): run rampart init)"))
        let registered = service.registry.entries.values.sorted { $0.title < $1.title }
        // DESIGN.md rule 3: each AE let in without a credential is an exception, said at start-up.
        out.writeLine(registered.isEmpty
            ? "  no AE registered: only users (user identity negotiation) may associate. Register one: rampart ae add TITLE --host 127.0.0.1 --port 104"
            : "  AEs let in without a credential (title from its host): \(registered.map { "\($0.title)@\($0.host)" }.joined(separator: ", "))")
        let policy = service.policy
        out.writeLine("  access policy: \(policy.source) (roles \(policy.roleNames.joined(separator: ", ")))")
        out.writeLine("  \(service.users.accounts.count) user account(s)\(service.users.isEmpty ? ": rampart init creates the first admin" : "")")
        for provider in configuration.oidc {
            out.writeLine("  tokens of identity provider \(provider.issuer) accepted (keys from \(provider.jwksFile), roles from \(provider.rolesClaim))")
        }
        out.writeLine("  (DICOMweb and the web UI are not built yet)")
        try await RampartServer.run([service], gracePeriodSeconds: configuration.shutdown.gracePeriodSeconds)
        out.writeLine("rampart serve: stopped")
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
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register an AE: it may associate from this host, and is a C-MOVE destination at host:port.")
        @OptionGroup var data: DataDirectoryOption
        @Argument var title: String
        @Option var host: String
        @Option var port: Int
        @Option(name: .customLong("role"), help: "A role the AE acts with (repeatable; default modality: store and query).")
        var roles: [String] = []

        func run() throws {
            let file = AERegistryFile(dataDirectory: data.dataDirectory)
            do {
                try DataFolder.ensure(data.dataDirectory)
                try SitePolicy.checkRoles(roles, in: try SitePolicy.load(dataDirectory: data.dataDirectory))
                var registry = try file.load()
                registry.add(.init(title: try AETitle(title).value, host: host, port: port, roles: roles.isEmpty ? nil : roles))
                try file.save(registry)
                print("registered \(title) at \(host):\(port)")
            } catch {
                standardError("rampart: \(error)")
                throw ExitCode(1)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the registered AEs.")
        @OptionGroup var data: DataDirectoryOption

        func run() throws {
            do {
                for entry in try AERegistryFile(dataDirectory: data.dataDirectory).load().entries.values.sorted(by: { $0.title < $1.title }) {
                    print("\(entry.title)\t\(entry.host)\t\(entry.port)\t\((entry.roles ?? [Role.modality.rawValue]).joined(separator: ","))")
                }
            } catch {
                standardError("rampart: \(error)")
                throw ExitCode(1)
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a registered AE.")
        @OptionGroup var data: DataDirectoryOption
        @Argument var title: String

        func run() throws {
            let file = AERegistryFile(dataDirectory: data.dataDirectory)
            do {
                var registry = try file.load()
                guard registry.remove(title) != nil else {
                    standardError("rampart: \(title) is not registered")
                    throw ExitCode(1)
                }
                try file.save(registry)
                print("removed \(title)")
            } catch let exit as ExitCode {
                throw exit
            } catch {
                standardError("rampart: \(error)")
                throw ExitCode(1)
            }
        }
    }
}
