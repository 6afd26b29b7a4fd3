import Foundation
import Testing
@testable import Audit

/// RFC 5424 messages, RFC 5425 and 5426 framing, and the cursor file, byte for byte.
@Suite struct SyslogMessageTests {
    private static func record(_ sequence: UInt64, outcome: AuditOutcome = .success, kind: AuditEventKind = .query) -> RecordedAuditEvent {
        RecordedAuditEvent(sequence: sequence, event: AuditEvent(
            time: Date(timeIntervalSince1970: 1_800_000_000.25), kind: kind, outcome: outcome,
            actor: AuditActor(kind: "user", name: "alice"), channel: "dimse", source: AuditSource(address: "127.0.0.1:4000"),
            reason: "test"))
    }

    @Test func writesTheHeaderStructuredDataAndABOMBeforeTheMessage() {
        let message = SyslogMessage(record: Self.record(42), facility: 10, hostname: "pacs.example.org", procID: "1234", text: "<AuditMessage/>")
        let expected = "<86>1 2027-01-15T08:00:00.250000Z pacs.example.org rampart 1234 query [rampart@32473 seq=\"42\"] \u{FEFF}<AuditMessage/>"
        #expect(message.bytes == Array(expected.utf8))
        // The BOM is the three bytes EF BB BF right after the space (RFC 5424 6.4).
        let bytes = message.bytes
        let bom = bytes.firstIndex(of: 0xEF)
        #expect(bom.map { Array(bytes[($0 - 1)..<($0 + 3)]) } == [0x20, 0xEF, 0xBB, 0xBF])
    }

    @Test func severityFollowsTheOutcomeAndFacilityThePriority() {
        let pri = { (outcome: AuditOutcome, facility: Int) in
            String(decoding: SyslogMessage(record: Self.record(1, outcome: outcome), facility: facility, hostname: "h", procID: "1", text: "x")
                .bytes.prefix { $0 != UInt8(ascii: " ") }, as: UTF8.self)
        }
        #expect(pri(.success, 10) == "<86>1")        // 10 * 8 + 6 informational
        #expect(pri(.minorFailure, 10) == "<84>1")   // warning: denied
        #expect(pri(.seriousFailure, 13) == "<107>1") // 13 * 8 + 3 error
        #expect(pri(.majorFailure, 13) == "<107>1")
    }

    @Test func msgIDIsTheEventKind() {
        let text = String(decoding: SyslogMessage(record: Self.record(7, kind: .instancesTransferred), facility: 13, hostname: "h", procID: "1",
                                                  text: "x").bytes, as: UTF8.self)
        #expect(text.split(separator: " ")[5] == "instances-transferred")
    }

    @Test func headerFieldsCannotBeBrokenApart() {
        let message = SyslogMessage(facility: 10, severity: .informational, timestamp: "2027-01-15T08:00:00Z", hostname: "my host\n",
                                    appName: "", procID: String(repeating: "9", count: 200), msgID: "a b",
                                    structuredData: [.init(id: "x@32473", parameters: [("v", #"a"b\c]d"#)])], message: "")
        let text = String(decoding: message.bytes, as: UTF8.self)
        #expect(text == "<86>1 2027-01-15T08:00:00Z my_host_ - \(String(repeating: "9", count: 128)) a_b [x@32473 v=\"a\\\"b\\\\c\\]d\"]")
    }

    @Test func tlsFramesCountOctetsAndUDPSendsTheMessageAsIs() {
        let message = Array("<86>1 - - rampart - - - \u{FEFF}é".utf8)
        #expect(SyslogTransport.tls(SyslogTLS(caPath: "ca.pem")).frame(message) == Array("\(message.count) ".utf8) + message)
        #expect(message.count == 29) // é and the BOM count in bytes, not characters
        #expect(SyslogTransport.udp.frame(message) == message)
    }

    @Test func cursorStartsAtZeroAndKeepsWhatWasSaved() throws {
        let folder = NSTemporaryDirectory() + "cursor-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cursor = SyslogExportCursor(path: folder + "/export.cursor")
        #expect(try cursor.load() == 0)
        try cursor.save(17)
        try cursor.save(18)
        #expect(try SyslogExportCursor(path: folder + "/export.cursor").load() == 18)
        #expect(!FileManager.default.fileExists(atPath: folder + "/export.cursor.tmp"))
        try "junk".write(toFile: folder + "/export.cursor", atomically: true, encoding: .utf8)
        #expect(throws: SyslogExportError.self) { try cursor.load() }
    }

    @Test func backoffDoublesToItsBoundAndStartsOverAfterASuccess() {
        var backoff = ReconnectBackoff()
        let waits = (0..<9).map { _ in backoff.failed() }
        #expect(waits == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(30), .seconds(30), .seconds(30)])
        backoff.succeeded()
        #expect(backoff.failed() == .milliseconds(500))
    }
}
