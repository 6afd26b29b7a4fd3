import NIOCore
import NIOPosix

/// Probes every endpoint of the targets, at most `concurrency` at once and `--rate` new
/// connections a second, and gathers the findings. It connects to no address that the targets
/// do not name.
public struct ExposureScanner: Sendable {
    public let options: ScanOptions

    public init(options: ScanOptions) {
        self.options = options
    }

    /// The endpoints `targets` name, each once, in order: a target's own port, else every scan port.
    public func endpoints(_ targets: [ScanTarget]) -> [ScanEndpoint] {
        var seen = Set<ScanEndpoint>()
        var endpoints: [ScanEndpoint] = []
        for target in targets {
            for host in target.hosts {
                for port in target.port.map({ [$0] }) ?? options.ports {
                    let endpoint = ScanEndpoint(host: host, port: port)
                    if seen.insert(endpoint).inserted { endpoints.append(endpoint) }
                }
            }
        }
        return endpoints
    }

    /// Scans; `progress` hears (done, total) after each endpoint.
    public func scan(_ targets: [ScanTarget], group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                     progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async -> ScanReport {
        let endpoints = endpoints(targets)
        let context = ProbeContext(options: options, pacer: ConnectionPacer(connectionsPerSecond: options.connectionsPerSecond), group: group)
        let started = ContinuousClock.now
        var results: [EndpointResult] = []
        await withTaskGroup(of: EndpointResult.self) { tasks in
            var next = endpoints.makeIterator()
            for _ in 0..<max(options.concurrency, 1) {
                guard let endpoint = next.next() else { break }
                tasks.addTask { await Self.probe(endpoint, context) }
            }
            while let result = await tasks.next() {
                results.append(result)
                progress(results.count, endpoints.count)
                if let endpoint = next.next() {
                    tasks.addTask { await Self.probe(endpoint, context) }
                }
            }
        }
        let order = Dictionary(uniqueKeysWithValues: endpoints.enumerated().map { ($1.description, $0) })
        results.sort { order[$0.endpoint, default: 0] < order[$1.endpoint, default: 0] }
        return ScanReport(targets: targets.map(\.description), results: results, seconds: (ContinuousClock.now - started).seconds)
    }

    /// One endpoint: a TCP connect; then TLS (and HTTP inside it), plain HTTP, and DICOM, in
    /// that order: a DICOM peer refuses a ClientHello or a GET at once as an unknown PDU type,
    /// while an HTTP server may wait out a DICOM request.
    static func probe(_ endpoint: ScanEndpoint, _ context: ProbeContext) async -> EndpointResult {
        let state = await TCPProbe(context: context).run(endpoint)
        guard state == .open else { return EndpointResult(endpoint: endpoint.description, state: state, service: nil, findings: []) }
        let target = endpoint.description
        if let tls = await TLSProbe(context: context).run(endpoint) {
            if let web = await WebProbe(context: context).run(endpoint, tls: true) {
                return EndpointResult(endpoint: target, state: state, service: "https",
                                      findings: [Finding(.serviceOpen, target: target, evidence: "HTTPS")] + tls + web)
            }
            if let dicom = await DICOMProbe(context: context).run(endpoint, tls: true) {
                return EndpointResult(endpoint: target, state: state, service: "dicom-tls",
                                      findings: [Finding(.serviceOpen, target: target, evidence: "DICOM over TLS")] + tls + dicom)
            }
            return EndpointResult(endpoint: target, state: state, service: "tls",
                                  findings: [Finding(.serviceOpen, target: target, evidence: "TLS, with neither HTTP nor DICOM inside")] + tls)
        }
        if let web = await WebProbe(context: context).run(endpoint, tls: false) {
            return EndpointResult(endpoint: target, state: state, service: "http",
                                  findings: [Finding(.serviceOpen, target: target, evidence: "HTTP")] + web)
        }
        if let dicom = await DICOMProbe(context: context).run(endpoint) {
            return EndpointResult(endpoint: target, state: state, service: "dicom",
                                  findings: [Finding(.serviceOpen, target: target, evidence: "DICOM")] + dicom)
        }
        return EndpointResult(endpoint: target, state: state, service: "unknown",
                              findings: [Finding(.serviceOpen, target: target, evidence: "open, but answered neither TLS, HTTP nor DICOM")])
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
