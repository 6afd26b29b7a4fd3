import Access
import Audit
import Foundation
import Synchronization
import Testing
import Logs

/// The exporter against a collector that goes away and comes back, with certificates from the
/// local CA (mutual TLS, the collector's name checked): every record arrives once, in order,
/// and a restarted exporter resumes after its cursor.
@Suite struct SyslogExporterTests {
    private final class Site: Sendable {
        let folder: String
        let store: AuditStore
        let collector: TestSyslogCollector
        let lines = Mutex<[String]>([])

        /// `dnsNames` and `ipAddresses`: the names in the collector's certificate.
        init(dnsNames: [String] = ["localhost"], ipAddresses: [String] = ["127.0.0.1"]) throws {
            folder = NSTemporaryDirectory() + "syslog-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let authority = try LocalCertificateAuthority.create(name: "Test CA")
            let server = try authority.issue(commonName: "collector", dnsNames: dnsNames, ipAddresses: ipAddresses)
            let client = try authority.issueClient(commonName: "rampart")
            for (name, text) in [("ca.pem", try authority.certificatePEM), ("collector.pem", try server.chainPEM),
                                 ("collector-key.pem", server.privateKeyPEM), ("client.pem", try client.certificatePEM),
                                 ("client-key.pem", client.privateKeyPEM)] {
                try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
            }
            store = try AuditStore(path: folder + "/audit.sqlite", signingKey: AuditSigningKey())
            collector = try TestSyslogCollector(certificateChainPath: folder + "/collector.pem", privateKeyPath: folder + "/collector-key.pem",
                                                caPath: folder + "/ca.pem")
        }

        func exporter(port: Int) throws -> SyslogExporter {
            let tls = SyslogTLS(caPath: folder + "/ca.pem", certificatePath: folder + "/client.pem", privateKeyPath: folder + "/client-key.pem")
            return try SyslogExporter(store: store, collector: SyslogCollector(host: "127.0.0.1", port: port, transport: .tls(tls)),
                                      cursorPath: folder + "/export.cursor", backoff: ReconnectBackoff(initial: .milliseconds(20), maximum: .milliseconds(200)),
                                      log: Log { [self] record in self.lines.withLock { $0.append(record.message) } },
                                      // The PS3.15 XML is another test's; here a small JSON placeholder.
                                      message: { #"{"seq":\#($0.sequence),"kind":"\#($0.event.kind.rawValue)"}"# })
        }

        func append(_ count: Int) throws {
            for _ in 0..<count {
                try store.append(AuditEvent(kind: .query, outcome: .success, actor: AuditActor(kind: "user", name: "alice"), channel: "dimse",
                                            source: AuditSource(address: "127.0.0.1:4000"), reason: "test"))
            }
        }

        /// The sequence numbers the collector received, in arrival order.
        var received: [UInt64] {
            collector.messages.compactMap { message in
                message.firstRange(of: #"seq=""#).flatMap { UInt64(message[$0.upperBound...].prefix { $0.isNumber }) }
            }
        }

        /// Waits (bounded: 30 s) until `condition` holds; the caller's expectations then say what is wrong.
        func waitUntil(_ condition: () -> Bool) async throws {
            for _ in 0..<1500 where !condition() {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    @Test func everyRecordArrivesOnceInOrderAcrossACollectorRestartAndAnExporterRestart() async throws {
        let site = try Site()
        defer { try? FileManager.default.removeItem(atPath: site.folder) }
        let port = try await site.collector.start()
        try site.append(5)
        let exporter = try site.exporter(port: port)
        let running = Task { await exporter.run() }

        try await site.waitUntil { site.received.count >= 5 }
        #expect(site.received == Array(1...5))

        // The collector shuts down mid-run; records appended meanwhile wait in the log.
        try await site.collector.stop()
        try await site.waitUntil { site.lines.withLock { $0.contains { $0.contains("the collector closed the connection") } } }
        try site.append(5)
        exporter.wake()
        try await site.waitUntil { site.lines.withLock { $0.contains { $0.contains("cannot connect") } } }
        #expect(site.received == Array(1...5))

        _ = try await site.collector.start(port: port)
        try await site.waitUntil { site.received.count >= 10 }
        #expect(site.received == Array(1...10))
        // Said once the batch is delivered and its cursor saved: after the collector has it.
        try await site.waitUntil { site.lines.withLock { $0.contains { $0.contains("delivering again") } } }
        #expect(site.lines.withLock { $0.contains { $0.contains("delivering again") } })

        // A new exporter (a restarted server) resumes after the cursor.
        running.cancel()
        await running.value
        #expect(try SyslogExportCursor(path: site.folder + "/export.cursor").load() == 10)
        try site.append(3)
        let restarted = try site.exporter(port: port)
        let resumed = Task { await restarted.run() }
        try await site.waitUntil { site.received.count >= 13 }
        resumed.cancel()
        await resumed.value
        #expect(site.received == Array(1...13))
        let message = try #require(site.collector.messages.last)
        #expect(message.hasPrefix("<86>1 "))
        #expect(message.contains(#" rampart "#) && message.contains(#" query [rampart@32473 seq="13"] "#))
        #expect(message.hasSuffix("\u{FEFF}{\"seq\":13,\"kind\":\"query\"}"))
        try await site.collector.stop()
    }

    @Test func refusesACollectorWhoseCertificateDoesNotNameTheHost() async throws {
        let site = try Site(dnsNames: ["collector.example.org"], ipAddresses: [])
        defer { try? FileManager.default.removeItem(atPath: site.folder) }
        let port = try await site.collector.start()
        try site.append(1)
        let exporter = try site.exporter(port: port)
        let running = Task { await exporter.run() }
        try await site.waitUntil { site.lines.withLock { !$0.isEmpty } }
        running.cancel()
        await running.value
        try await site.collector.stop()
        #expect(site.received.isEmpty)
        #expect(try SyslogExportCursor(path: site.folder + "/export.cursor").load() == 0)
        let line = try #require(site.lines.withLock { $0.first })
        #expect(line.contains("cannot connect"))
    }
}
