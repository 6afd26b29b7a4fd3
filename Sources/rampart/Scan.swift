import ArgumentParser
import DICOM
import Foundation
import NIOCore
import Scanner
#if canImport(Glibc)
import Glibc
#endif

struct Scan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Find exposed PACS on a network you are responsible for: open DICOM and web services, unauthenticated queries, patient data on web pages, weak TLS.",
        discussion: """
            TARGET is a host, host:port, or an IPv4 range in CIDR notation (with --i-own-this-network, at most \
            \(ScanTarget.maximumRangeAddresses) addresses). Patient data is counted, never kept or printed. \
            Exit status: 0 when nothing above medium was found, 1 when a high or critical finding was, 2 when the scan could not run.
            """)

    @Argument(help: "Hosts, host:port, or IPv4 CIDR ranges.")
    var targets: [String]

    @Flag(name: .customLong("i-own-this-network"), help: "Allow ranges: you are responsible for every address in them.")
    var ownsNetwork = false

    @Option(help: "Ports to probe, e.g. 104,11112,8000-8010 (default: \(ScanOptions.defaultPorts.map(String.init).joined(separator: ","))).")
    var ports: String?

    @Option(name: .customLong("called-ae"), help: "A called AE title to try besides the well-known ones. Repeatable.")
    var calledAE: [String] = []

    @Option(help: "Endpoints probed at once.")
    var concurrency = 64

    @Option(help: "New connections per second.")
    var rate = 200.0

    @Option(help: "Seconds to wait for a connection.")
    var connectTimeout = 3.0

    @Option(help: "Seconds to wait for each answer.")
    var timeout = 5.0

    @Flag(help: ArgumentHelp("Also probe in ways that change or sign in to the target: store a synthetic test object where C-STORE is "
                             + "open (the report gives its UID, to delete), and try products' default web credentials. Only on systems you may alter."))
    var intrusive = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Flag(help: "Print the report as SARIF 2.1.0.")
    var sarif = false

    @Option(help: ArgumentHelp("Also write the report as a self-contained HTML page (summary chart, findings, what to do) to this file.",
                               valueName: "file.html"))
    var html: String?

    func validate() throws {
        if json, sarif { throw ValidationError("give --json or --sarif, not both") }
        guard (1...1024).contains(concurrency) else { throw ValidationError("--concurrency must be from 1 to 1024") }
        guard rate > 0, rate <= 10_000 else { throw ValidationError("--rate must be above 0 and at most 10000 connections a second") }
        guard connectTimeout > 0, timeout > 0 else { throw ValidationError("--connect-timeout and --timeout must be above 0") }
    }

    func run() async throws {
        var options = ScanOptions()
        let targets: [ScanTarget]
        do {
            targets = try self.targets.map { try ScanTarget(parsing: $0, rangesAllowed: ownsNetwork) }
            if let ports { options.ports = try ScanTarget.ports(parsing: ports) }
        } catch {
            standardError("rampart: \(error)")
            throw ExitCode(2)
        }
        options.calledAETitles += calledAE.filter { !options.calledAETitles.contains($0) }
        options.concurrency = concurrency
        options.intrusive = intrusive
        options.connectionsPerSecond = rate
        options.connectTimeout = .nanoseconds(Int64(connectTimeout * 1e9))
        options.readTimeout = .nanoseconds(Int64(timeout * 1e9))
        let showsProgress = isatty(2) == 1
        let report = await ExposureScanner(options: options).scan(targets) { done, total in
            if showsProgress { standardErrorProgress("\rscanned \(done) of \(total) endpoints") }
        }
        if showsProgress { standardErrorProgress("\n") }
        do {
            print(try json ? report.json() : sarif ? report.sarif() : report.table())
            if let html {
                try Data(report.html().utf8).write(to: URL(fileURLWithPath: html))
            }
        } catch {
            standardError("rampart: the report could not be written: \(error)")
            throw ExitCode(2)
        }
        if let worst = report.highestSeverity, worst >= .high { throw ExitCode(1) }
    }
}

/// Progress on a terminal: no newline, so the line updates in place.
private func standardErrorProgress(_ text: String) {
    try? FileSink(descriptor: 2, name: "standard error").write(Array(text.utf8))
}
