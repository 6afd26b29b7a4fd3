import Access
import Foundation
import NIOCore
import Scanner
import Logs

/// The server's own exposure (issue 10's self-scan): `rampart scan` aimed at its own listeners
/// from this host, once all are up and again on demand, plus what only the configuration can
/// tell: each registered AE admitted by title and host alone (a legacy exception). With the
/// defaults there is no finding above info.
public actor SelfScan {
    /// A finished scan and when it finished.
    public struct Result: Sendable {
        public let finished: Date
        public let report: ScanReport
    }

    private let host: String
    private let calledAETitle: String
    private let registry: @Sendable () -> AERegistry
    private let expectedListeners: Int
    private let scansAtStart: Bool
    private let log: Log
    private var ports: [Int] = []
    private(set) public var latest: Result?
    private var running: Task<Result, Never>?

    /// `listenAddress`: where the listeners listen; the wildcard addresses are scanned on loopback.
    init(listenAddress: String, calledAETitle: String, expectedListeners: Int, scansAtStart: Bool = true,
         registry: @escaping @Sendable () -> AERegistry, log: Log) {
        host = ["0.0.0.0", "::", ""].contains(listenAddress) ? "127.0.0.1" : listenAddress
        self.calledAETitle = calledAETitle
        self.expectedListeners = expectedListeners
        self.scansAtStart = scansAtStart
        self.registry = registry
        self.log = log
    }

    /// A listener is up: when it is the last, the first scan starts (unless `scansAtStart` is off).
    func listening(on port: Int) {
        ports.append(port)
        if ports.count == expectedListeners {
            if scansAtStart { _ = start() } else { log.info("self-scan at start-up is off (self_scan.at_start); POST /api/findings/scan runs one") }
        }
    }

    /// Scans now (or joins the scan under way) and returns its result.
    public func scan() async -> Result {
        await start().value
    }

    private func start() -> Task<Result, Never> {
        if let running { return running }
        var options = ScanOptions()
        options.ports = ports.sorted()
        options.calledAETitles.append(calledAETitle)
        // Its own listeners on this host: few endpoints, no need to pace them hard.
        options.concurrency = 8
        let target = host.contains(":") ? "[\(host)]" : host
        let registry = registry
        // Its probes are refused as a stranger's are, and logged so: say whose they are first.
        log.info("self-scan: probing its own listeners (\(options.ports.map(String.init).joined(separator: ", "))) from \(target) as "
            + "`rampart scan` would; the refusals from there until its summary are its own probes")
        let task = Task { () -> Result in
            var report: ScanReport
            if let scanTarget = try? ScanTarget(parsing: target, rangesAllowed: false) {
                report = await ExposureScanner(options: options).scan([scanTarget])
            } else {
                report = ScanReport(targets: [target], results: [], seconds: 0)
            }
            report.results.append(Self.configurationResult(registry()))
            return Result(finished: Date(), report: report)
        }
        running = task
        Task { await self.finished(task) }
        return task
    }

    private func finished(_ task: Task<Result, Never>) async {
        let result = await task.value
        // The first one goes to the log, so an operator sees it at start-up.
        if latest == nil { log.notice(Self.summary(result.report)) }
        latest = result
        running = nil
    }

    /// "self-scan: ..." with each finding above info (its rule and evidence: AE titles, hosts,
    /// ports; never patient data, which a scan of Rampart cannot get).
    static func summary(_ report: ScanReport) -> String {
        let notable = report.findings.filter { $0.severity > .info }
        guard !notable.isEmpty else { return "self-scan of its own listeners and configuration: no finding above info" }
        return "self-scan of its own listeners and configuration: \(notable.count) finding(s): "
            + notable.map { "\($0.severity) \($0.id) \($0.target): \($0.evidence)" }.joined(separator: "; ")
    }

    /// What the AE registry tells: each AE that any peer at its host may be, by title alone.
    static func configurationResult(_ registry: AERegistry) -> EndpointResult {
        let findings = registry.entries.values.filter { $0.certificateSHA256 == nil }.sorted { $0.title < $1.title }.map { entry in
            Finding(.dicomLegacyException, target: "ae-registry.json",
                    evidence: "AE \(entry.title) from host \(entry.host) (roles \((entry.roles ?? ["modality"]).joined(separator: ", ")))")
        }
        return EndpointResult(endpoint: "ae-registry.json", state: .open, service: "configuration", findings: findings)
    }
}
