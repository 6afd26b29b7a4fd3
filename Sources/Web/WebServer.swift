import Access
import Archive
import CoreMetrics
import DICOMNetwork
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import Logs

/// DICOMweb over HTTPS (plain HTTP only on loopback, which the server's configuration ensures):
/// every request is authenticated, decided by the gate and recorded, like a DIMSE operation.
public struct WebServer: Sendable {
    public static let dicomwebPrefix = "/dicomweb"
    public static let apiPrefix = "/api"

    public struct Settings: Sendable {
        public var host: String
        public var port: Int
        /// nil: plain HTTP.
        public var tls: TLSConfiguration?
        /// Browser origins allowed to call (CORS); none by default.
        public var corsOrigins: [String]
        /// The largest STOW-RS request body, in bytes.
        public var maximumStoreBytes: Int
        /// Requests a minute from one client address, after a burst of as many; changeable at run time.
        public var requestsPerMinutePerHost: RunTimeSetting<Int>
        /// Changeable at run time.
        public var caseInsensitivePersonNames: RunTimeSetting<Bool>
        /// The identity providers the UI's login page offers ("Log in with …").
        public var loginProviders: [BrowserLoginProvider]
        /// A connection is closed when its peer sends no part of a request for this long, while
        /// no answer is being made: before its first request head, between requests, or within
        /// a request (a head or body dribbled out byte by byte, as a Slowloris peer does, is
        /// never a part until it is whole).
        public var idleTimeout: Duration

        public init(host: String, port: Int, tls: TLSConfiguration?, corsOrigins: [String] = [], maximumStoreBytes: Int,
                    requestsPerMinutePerHost: RunTimeSetting<Int> = RunTimeSetting(6000),
                    caseInsensitivePersonNames: RunTimeSetting<Bool> = RunTimeSetting(true), loginProviders: [BrowserLoginProvider] = [],
                    idleTimeout: Duration = .seconds(30)) {
            self.host = host
            self.port = port
            self.tls = tls
            self.corsOrigins = corsOrigins
            self.maximumStoreBytes = maximumStoreBytes
            self.requestsPerMinutePerHost = requestsPerMinutePerHost
            self.caseInsensitivePersonNames = caseInsensitivePersonNames
            self.loginProviders = loginProviders
            self.idleTimeout = idleTimeout
        }
    }

    public let settings: Settings
    let services: DICOMwebServices
    /// The REST admin API; nil: not served (a router under test, say).
    private let administration: (any SiteAdministration)?
    /// /health and /metrics; nil: not served.
    private let status: (any ServerMonitoring)?
    /// Where the HTTP requests are counted (swift-metrics).
    private let metrics: any MetricsFactory
    private let authenticator: any RequestAuthenticator
    /// Where malformed requests are reported; nil: the process log only.
    private let alerts: (any HTTPPeerAlerts)?
    private let log: Log

    public init(settings: Settings, archive: Archive, gate: Gate, authenticator: any RequestAuthenticator, recorder: any DisclosureRecorder,
                administration: (any SiteAdministration)? = nil, status: (any ServerMonitoring)? = nil,
                metrics: any MetricsFactory = NOOPMetricsHandler.instance, alerts: (any HTTPPeerAlerts)? = nil, spoolDirectory: String,
                log: Log) {
        self.settings = settings
        self.alerts = alerts
        self.authenticator = authenticator
        self.administration = administration
        self.status = status
        self.metrics = metrics
        self.log = log
        services = DICOMwebServices(archive: archive, gate: gate, recorder: recorder, spoolDirectory: spoolDirectory,
                                    maximumStoreBytes: settings.maximumStoreBytes,
                                    caseInsensitivePersonNames: settings.caseInsensitivePersonNames, log: log,
                                    urlScheme: settings.tls == nil ? "http" : "https")
    }

    /// HTTPS with the server's certificate chain and key (PEM files): TLS 1.2 or later, HTTP/1.1.
    /// With `clientCAPaths`, a client may present a certificate signed by one of those CAs (it
    /// need not: browsers and token clients present none); one from another CA fails the
    /// handshake. What a certificate may act as is the AE registry's binding, not the CA's.
    public static func tlsConfiguration(certificateChainPath: String, privateKeyPath: String,
                                        clientCAPaths: [String] = []) throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMFile(certificateChainPath).map { NIOSSLCertificateSource.certificate($0) }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: privateKeyPath, format: .pem)))
        configuration.minimumTLSVersion = .tlsv12
        configuration.applicationProtocols = ["http/1.1"]
        if !clientCAPaths.isEmpty {
            configuration.trustRoots = .certificates(try clientCAPaths.flatMap { try NIOSSLCertificate.fromPEMFile($0) })
            configuration.certificateVerification = .optionalVerification
        }
        return configuration
    }

    /// The routes and middleware, outermost first: the request ID, the request metrics, security headers on
    /// every answer, errors as problem details, the per-client rate, CORS, then authentication
    /// before any route.
    func router() -> Router<WebRequestContext> {
        let router = Router(context: WebRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: HTTPMetricsMiddleware(factory: metrics))
        let tokenEndpoints = Set(settings.loginProviders.compactMap(\.tokenEndpointOrigin)).sorted()
        router.add(middleware: SecurityHeadersMiddleware(strictTransportSecurity: settings.tls != nil, tokenEndpointOrigins: tokenEndpoints))
        router.add(middleware: ProblemMiddleware(log: log, alerts: alerts))
        router.add(middleware: RateLimitMiddleware(limiter: RequestRateLimiter(perMinute: settings.requestsPerMinutePerHost)))
        router.add(middleware: StrictCORSMiddleware(allowedOrigins: Set(settings.corsOrigins)))
        let sessions = SessionStore(shared: services.archive.sharedSessions)
        router.add(middleware: AuthenticationMiddleware(authenticator: authenticator, gate: services.gate, sessions: sessions,
                                                        readsClientCertificates: settings.tls.map { $0.certificateVerification != .none } ?? false))
        services.addRoutes(to: router.group(RouterPath(Self.dicomwebPrefix)))
        SessionRoutes(gate: services.gate, authenticator: authenticator, sessions: sessions, providers: settings.loginProviders,
                      pendingLogins: PendingLoginStore(shared: services.archive.sharedSessions), secure: settings.tls != nil)
            .add(to: router.group(RouterPath(Self.apiPrefix)))
        let ui = UIRoutes()
        if ui.isEmpty { log.warning("the web UI's files (Rampart_Web.resources) are not next to the rampart binary: /ui/ answers 404") }
        ui.add(to: router)
        if let status {
            HealthRoutes(gate: services.gate, status: status, log: log).add(to: router)
        }
        if let administration {
            AdminRoutes(gate: services.gate, administration: administration, log: log).add(to: router.group(RouterPath(Self.apiPrefix)))
        }
        return router
    }

    /// The server as a service of `rampart serve`'s group; `onListening` gets the bound address.
    public func application(onListening: @escaping @Sendable (SocketAddress) -> Void) throws -> some Service {
        let alerts = self.alerts
        let http1 = HTTP1Channel.Configuration(additionalChannelHandlers: alerts.map { [HTTPParserErrorReporter(alerts: $0)] } ?? [],
                                               idleTimeout: TimeAmount(settings.idleTimeout))
        let server: HTTPServerBuilder = if let tls = settings.tls { try .tls(.http1(configuration: http1), tlsConfiguration: tls) }
                                        else { .http1(configuration: http1) }
        // No server name: no `Server` header, so no product or version banner (issue 6).
        return Application(router: router(), server: server,
                           configuration: ApplicationConfiguration(address: .hostname(settings.host, port: settings.port), serverName: nil),
                           onServerRunning: { channel in if let address = channel.localAddress { onListening(address) } },
                           logger: Logger(label: "rampart.web", factory: { _ in SwiftLogNoOpLogHandler() }))
    }
}


