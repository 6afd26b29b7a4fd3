import Foundation
import Testing
@testable import Scanner

struct ScanReportTests {
    static let report = ScanReport(targets: ["127.0.0.1"], results: [
        EndpointResult(endpoint: "127.0.0.1:8042", state: .open, service: "http", findings: [
            Finding(.serviceOpen, target: "127.0.0.1:8042", evidence: "HTTP"),
            Finding(.webCleartext, target: "127.0.0.1:8042", evidence: "plain HTTP", severity: .info),
            Finding(.webOrthancRESTUnauthenticated, target: "127.0.0.1:8042", evidence: "GET /patients listed 3 patients"),
        ]),
        EndpointResult(endpoint: "127.0.0.1:4242", state: .open, service: "dicom", findings: [
            Finding(.dicomStorageUnauthenticated, target: "127.0.0.1:4242", evidence: "accepted"),
            Finding(.dicomEchoUnauthenticated, target: "127.0.0.1:4242", evidence: "echo"),
        ]),
        EndpointResult(endpoint: "127.0.0.1:104", state: .closed, service: nil, findings: []),
    ], seconds: 1.25)

    @Test func severitiesOfTheFindingKinds() {
        #expect(FindingRule.dicomPatientQueryUnauthenticated.severity == .critical)
        #expect(FindingRule.dicomStudyQueryUnauthenticated.severity == .critical)
        #expect(FindingRule.webOrthancRESTUnauthenticated.severity == .critical)
        #expect(FindingRule.webPatientDataExposed.severity == .critical)
        #expect(FindingRule.dicomAnyAEAccepted.severity == .high)
        #expect(FindingRule.dicomStorageUnauthenticated.severity == .high)
        #expect(FindingRule.tlsLegacyVersion.severity == .medium)
        #expect(FindingRule.dicomAssociationRefused.severity == .info)
        #expect(FindingRule.serviceOpen.recommendation == .none)
        #expect(FindingRule.allCases.filter { $0.severity > .info }.allSatisfy { $0.recommendation != .none })
        #expect(Severity.critical > .high && Severity.high > .medium && Severity.low > .info)
    }

    @Test func findingsComeMostSevereFirst() {
        let findings = Self.report.findings
        #expect(findings.map(\.severity) == [.critical, .high, .low, .info, .info])
        #expect(findings.first?.id == "WEB-ORTHANC-REST-UNAUTHENTICATED")
        #expect(Self.report.highestSeverity == .critical)
    }

    @Test func sarifHasTheShapeOf210() throws {
        let log = try #require(try JSONSerialization.jsonObject(with: Data(Self.report.sarif().utf8)) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        #expect((log["$schema"] as? String)?.contains("sarif-2.1.0") == true)
        let runs = try #require(log["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        let driver = try #require((runs[0]["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "rampart scan")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.compactMap { $0["id"] as? String } == FindingRule.allCases.map(\.rawValue))
        let results = try #require(runs[0]["results"] as? [[String: Any]])
        #expect(results.count == 5)
        #expect(results.compactMap { $0["level"] as? String } == ["error", "error", "note", "note", "note"])
        for result in results {
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(rules[index]["id"] as? String == result["ruleId"] as? String)
            #expect(((result["message"] as? [String: Any])?["text"] as? String)?.isEmpty == false)
            let location = try #require((result["locations"] as? [[String: Any]])?.first?["logicalLocations"] as? [[String: Any]])
            #expect(location.first?["name"] as? String != nil)
        }
    }

    @Test func jsonNamesEveryFindingWithItsFix() throws {
        let report = try #require(try JSONSerialization.jsonObject(with: Data(Self.report.json().utf8)) as? [String: Any])
        #expect(report["endpointsProbed"] as? Int == 3)
        #expect((report["openEndpoints"] as? [[String: String]])?.count == 2)
        let findings = try #require(report["findings"] as? [[String: Any]])
        #expect(findings.count == 5)
        #expect(findings.allSatisfy { ($0["fix"] as? String)?.isEmpty == false && $0["severity"] != nil && $0["recommendation"] != nil })
    }

    @Test func tableListsFindingsAndFixesOnce() {
        let table = Self.report.table()
        #expect(table.contains("3 endpoints probed, 2 open, 5 findings"))
        #expect(table.contains("CRITICAL  WEB-ORTHANC-REST-UNAUTHENTICATED"))
        #expect(table.components(separatedBy: FindingRule.webOrthancRESTUnauthenticated.fix).count == 2)
        #expect(!table.contains(FindingRule.serviceOpen.fix))
    }

    @Test func theHTMLReportEscapesWhatPeersSaidAndLoadsNothing() {
        let hostile = ScanReport(targets: ["<b>x</b>"], results: [
            EndpointResult(endpoint: "127.0.0.1:80", state: .open, service: "http\"><script>", findings: [
                Finding(.webVersionBanner, target: "127.0.0.1:80", evidence: "Server: <script>alert(1)</script> & 'x'"),
            ]),
        ], seconds: 0.5)
        let page = hostile.html(generated: Date(timeIntervalSince1970: 0))
        #expect(!page.contains("<script"))
        #expect(page.contains("Server: &lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;x&#39;"))
        #expect(page.contains("&lt;b&gt;x&lt;/b&gt;"))
        #expect(!page.contains("src=") && !page.contains("href="))
    }

    @Test func theHTMLReportCountsFindingsPerSeverity() throws {
        let page = Self.report.html(generated: Date(timeIntervalSince1970: 0))
        let counts = try #require(page.split(separator: "<table class=\"counts\">").last?.split(separator: "</table>").first)
        let cells = counts.matches(of: /<td>(\d+)<\/td>/).map { Int($0.output.1)! }
        let expected = Severity.allCases.map { severity in Self.report.findings.count { $0.severity == severity } }
        #expect(cells == expected)
        #expect(page.contains("WEB-ORTHANC-REST-UNAUTHENTICATED") && page.contains(FindingRule.webOrthancRESTUnauthenticated.fix))
    }
}
