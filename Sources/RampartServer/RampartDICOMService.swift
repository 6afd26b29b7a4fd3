import Access
import Archive
import Audit
import DICOMNetwork
import Foundation
import NIOCore
import Prometheus
import ServiceLifecycle
import Web
import Logs

/// `rampart serve`'s DICOM side: the archive in the data folder, the gate over the AE registry
/// and the user accounts, a DIMSE server on each configured listener (plain on loopback, TLS
/// anywhere) and DICOMweb over HTTPS, wired together. A graceful shutdown stops accepting and
/// lets associations already accepted finish.
public struct RampartDICOMService: Service {
    /// Which of the DICOM listeners an address belongs to.
    public enum ListenerKind: String, Sendable {
        case plain = "DICOM"
        case tls = "DICOM TLS"
        case https = "DICOMweb"
        /// Plain HTTP: loopback only (`ServerConfiguration.validate`).
        case http = "DICOMweb (plain HTTP)"
    }

    public let configuration: ServerConfiguration
    public let archive: Archive
    /// The AE registry as it was at start (decisions read it again when the file changes).
    public let registry: AERegistry
    /// The access policy as it was at start (decisions read policy.yaml again when it changes).
    public let policy: AccessPolicy
    /// The accounts as they were at start (sign-ins read them again when the file changes).
    public let users: UserDirectory
    /// Files an earlier run left in the spool folder (a crash mid-transfer), removed at start.
    public let removedSpoolFiles: Int
    private let servers: [(ListenerKind, DICOMServer)]
    private let connectionAlerts: ConnectionAlerts
    private let web: WebServer?
    private let onListening: @Sendable (ListenerKind, SocketAddress) -> Void
    /// The server's own exposure, scanned once every listener is up and on demand.
    public let selfScan: SelfScan
    /// What /metrics renders and /health checks.
    public let metrics: ServerMetrics

    /// Opens (or creates) the archive, running crash recovery, and refuses set-ups that would
    /// expose it (DESIGN.md rule 3).
    /// - Parameter auditExport: the syslog export of the audit log, if configured, whose backlog the metrics show.
    /// - Parameter fileConfiguration: rampart.yaml's configuration alone, to show where each setting's value comes from.
    public init(dataDirectory: String, configuration: ServerConfiguration, fileConfiguration: ServerConfiguration? = nil, audit: AuditTrail,
                auditExport: SyslogExporter? = nil, log: Log,
                onListening: @escaping @Sendable (ListenerKind, SocketAddress) -> Void = { _, _ in }) throws {
        try configuration.validate()
        self.configuration = configuration
        self.onListening = onListening
        let metricsRegistry = PrometheusCollectorRegistry()
        let metricsFactory = ServerMetrics.factory(metricsRegistry)
        let (blobs, sealing) = try configuration.archive.blobStorage(dataDirectory: dataDirectory)
        archive = try Archive(directory: dataDirectory + "/archive", duplicatePolicy: configuration.archive.duplicates,
                              index: configuration.archive.indexLocation(dataDirectory: dataDirectory),
                              blobs: blobs, sealing: sealing, metrics: metricsFactory)
        // A change of accounts, services or AEs takes effect at the next decision, without a
        // restart, and the moment it does is a security event (who made it is recorded by the
        // command line or the REST API that wrote the file).
        let reloaded = { (path: String) in { @Sendable (problem: ServerSetupError?) in audit.recordConfigurationChange(of: path, problem: problem, log: log) } }
        let accountsFile = AccountsFile(dataDirectory: dataDirectory)
        let accounts = try AccountsSource(accountsFile, log: log, changed: reloaded(accountsFile.path))
        users = accounts.current()
        let servicesFile = ServiceAccountsFile(dataDirectory: dataDirectory)
        let services = try ServiceAccountsSource(servicesFile, log: log, changed: reloaded(servicesFile.path))
        let tokenKey = TokenSigningKeyFile(dataDirectory: dataDirectory)
        let ownTokens: BearerTokenVerifier.OwnTokens = if let key = try tokenKey.load() {
            .verifier(TokenVerifier(key: key.verificationKey))
        } else {
            .refused(.noVerificationKey(keyPath: tokenKey.path))
        }
        let resolve = { (path: String) in path.hasPrefix("/") ? path : dataDirectory + "/" + path }
        let providers = try configuration.oidc.map { settings throws(ServerSetupError) in
            let keys = try OIDCKeySetSource(jwksFile: resolve(settings.jwksFile), log: log)
            return OIDCProvider(issuer: settings.issuer, audience: settings.audience, usernameClaim: settings.usernameClaim,
                                rolesClaim: settings.rolesClaim, roleMap: settings.roleMap, keys: { keys.current() })
        }
        let credentials = Credentials(accounts: accounts, services: services, tokens: BearerTokenVerifier(own: ownTokens, providers: providers))
        let registryFile = AERegistryFile(dataDirectory: dataDirectory)
        let registrySource = try ReloadingFile(registryFile, log: log, changed: reloaded(registryFile.path))
        registry = registrySource.current()
        let policySource = try SitePolicy.source(dataDirectory: dataDirectory, audit: audit, log: log)
        policy = policySource.current()
        metrics = ServerMetrics(archive: archive, audit: audit, export: auditExport, registry: { registrySource.current() },
                                metrics: metricsRegistry)
        let gate = Gate(registry: { registrySource.current() }, policy: { policySource.current() },
                        recorder: CountingDecisionRecorder(recorder: audit, factory: metrics.factory))
        let spool = dataDirectory + "/spool"
        removedSpoolFiles = try SpoolFolder.prepare(spool)
        let runTimeSettings = try RunTimeSettings(configuration: configuration, fileSettings: fileConfiguration, dataDirectory: dataDirectory)
        let settingTargets = runTimeSettings.targets
        let provider = ArchiveServiceProvider(archive: archive, gate: gate, audit: audit, aeTitle: try AETitle(configuration.aeTitle),
                                              credentials: credentials, caseInsensitivePersonNames: settingTargets.caseInsensitivePersonNames,
                                              log: log)
        connectionAlerts = provider.connectionAlerts
        let options = AssociationOptions(spoolDirectory: spool)
        // One limiter for both listeners: the limits are the server's, whichever port a peer uses.
        let limiter = settingTargets.associationLimiter
        let dicomMetrics = DICOMServerMetrics(factory: metrics.factory)
        var servers: [(ListenerKind, DICOMServer)] = []
        if configuration.dicom.port != 0 {
            servers.append((.plain, DICOMServer(
                configuration: DICOMServerConfiguration(host: configuration.listen, port: configuration.dicom.port, association: options),
                provider: provider, limiter: limiter, metrics: dicomMetrics, log: log)))
        }
        // Client certificates from the local CA (rampart ae certificate) and from the site's own
        // CA (dicom.tls.trusted_ca) are accepted over DICOM TLS and HTTPS alike; which AE a
        // certificate may act as is the AE registry's binding, not the CA's.
        let localCA = LocalCertificateAuthorityFiles(dataDirectory: dataDirectory)
        var clientCAs = localCA.exists ? [localCA.certificatePath] : []
        if let ca = configuration.dicom.tls?.trustedCA.map(resolve), !clientCAs.contains(ca) { clientCAs.append(ca) }
        if let tls = configuration.dicom.tls, configuration.dicom.tlsPort != 0 {
            let settings = DICOMTLSServerConfiguration(
                certificateChainPath: resolve(tls.certificate), privateKeyPath: resolve(tls.privateKey),
                trustedCAPaths: clientCAs, requireClientCertificate: tls.requireClientCertificate)
            // Fail at start-up, not at the first connection, when the files are wrong.
            _ = try settings.makeContext()
            servers.append((.tls, DICOMServer(
                configuration: DICOMServerConfiguration(host: configuration.listen, port: configuration.dicom.tlsPort, tls: settings,
                                                        association: options),
                provider: provider, limiter: limiter, metrics: dicomMetrics, log: log)))
        }
        self.servers = servers
        selfScan = SelfScan(listenAddress: configuration.listen, calledAETitle: configuration.aeTitle,
                            expectedListeners: servers.count + (configuration.http.port != 0 ? 1 : 0),
                            scansAtStart: configuration.selfScanAtStart, registry: { registrySource.current() }, log: log)
        if configuration.http.port != 0 {
            let certificate = configuration.http.certificate(dicom: configuration.dicom)
            let tls = try certificate.map { files in
                try WebServer.tlsConfiguration(certificateChainPath: resolve(files.certificate), privateKeyPath: resolve(files.privateKey),
                                               clientCAPaths: clientCAs)
            }
            let settings = WebServer.Settings(host: configuration.listen, port: configuration.http.port, tls: tls,
                                              corsOrigins: configuration.http.corsOrigins, maximumStoreBytes: configuration.http.maximumStoreBytes,
                                              requestsPerMinutePerHost: settingTargets.requestsPerMinutePerHost,
                                              caseInsensitivePersonNames: settingTargets.caseInsensitivePersonNames,
                                              loginProviders: configuration.oidc.compactMap { provider in
                                                  provider.browserLogin.map {
                                                      BrowserLoginProvider(issuer: provider.issuer, displayName: $0.displayName,
                                                                           authorizationEndpoint: $0.authorizationEndpoint, tokenEndpoint: $0.tokenEndpoint,
                                                                           clientID: $0.clientID, scope: $0.scope)
                                                  }
                                              },
                                              idleTimeout: .seconds(configuration.http.idleTimeoutSeconds))
            web = WebServer(settings: settings, archive: archive, gate: gate, authenticator: HTTPSignIn(credentials: credentials, audit: audit, log: log),
                            recorder: audit, administration: SiteAdministrator(dataDirectory: dataDirectory, archive: archive, audit: audit,
                                                                             serverCertificate: certificate.map { resolve($0.certificate) }, selfScan: selfScan,
                                                                             runTimeSettings: runTimeSettings),
                            status: metrics, metrics: metrics.factory, alerts: connectionAlerts, spoolDirectory: spool, log: log)
        } else {
            web = nil
        }
    }

    public func run() async throws {
        let controls = servers.map { _ in DICOMServerControl() }
        let selfScan = self.selfScan
        let onListening: @Sendable (ListenerKind, SocketAddress) -> Void = { [onListening] kind, address in
            onListening(kind, address)
            if let port = address.port { Task { await selfScan.listening(on: port) } }
        }
        let connectionAlerts = self.connectionAlerts
        // The refusals counted but not yet recorded are recorded when the listeners have stopped.
        defer { connectionAlerts.recordPending() }
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { alerts in
                alerts.addTask { await connectionAlerts.run() }
                try await withThrowingDiscardingTaskGroup { group in
                    for ((kind, server), control) in zip(servers, controls) {
                        group.addTask { try await server.run(control: control) { onListening(kind, $0) } }
                    }
                    if let web {
                        let kind: ListenerKind = web.settings.tls == nil ? .http : .https
                        let application = try web.application { onListening(kind, $0) }
                        group.addTask { try await application.run() }
                    }
                }
                alerts.cancelAll()
            }
        } onGracefulShutdown: {
            for control in controls { control.stopAccepting() }
        }
    }
}
