import Foundation

/// The result of a scan, and its renderings: a terminal table, JSON, SARIF 2.1.0. Every text
/// in it is counts, field kinds, statuses or masked peer text; no patient value.
public struct ScanReport: Sendable, Encodable {
    public var targets: [String]
    public var results: [EndpointResult]
    public var seconds: Double

    public init(targets: [String], results: [EndpointResult], seconds: Double) {
        self.targets = targets
        self.results = results
        self.seconds = seconds
    }

    /// Every finding, most severe first, then by endpoint in scan order.
    public var findings: [Finding] {
        results.flatMap(\.findings).enumerated().sorted { a, b in
            a.element.severity != b.element.severity ? a.element.severity > b.element.severity : a.offset < b.offset
        }.map(\.element)
    }

    public var highestSeverity: Severity? { findings.first?.severity }

    enum CodingKeys: String, CodingKey { case targets, endpointsProbed, openEndpoints, seconds, findings }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(targets, forKey: .targets)
        try container.encode(results.count, forKey: .endpointsProbed)
        try container.encode(results.filter { $0.state == .open }.map { ["endpoint": $0.endpoint, "service": $0.service ?? "unknown"] },
                             forKey: .openEndpoints)
        try container.encode((seconds * 1000).rounded() / 1000, forKey: .seconds)
        try container.encode(findings, forKey: .findings)
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    public func sarif() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(SARIFLog(self)), as: UTF8.self)
    }

    /// Severity, id, endpoint and evidence per finding, then each finding kind's fix once.
    public func table() -> String {
        let findings = findings
        let open = results.filter { $0.state == .open }
        var lines = ["rampart scan: \(results.count) endpoint\(results.count == 1 ? "" : "s") probed, \(open.count) open, "
            + "\(findings.count) finding\(findings.count == 1 ? "" : "s") in \(String(format: "%.1f", seconds)) s"]
        guard !findings.isEmpty else { return lines.joined(separator: "\n") }
        let rows = findings.map { [$0.severity.rawValue.uppercased(), $0.id, $0.target, $0.evidence] }
        let header = ["SEVERITY", "FINDING", "TARGET", "EVIDENCE"]
        let widths = (0..<3).map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        for row in [header] + rows {
            lines.append((0..<3).map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ") + "  " + row[3])
        }
        lines.append("")
        lines.append("What to do:")
        var seen = Set<FindingRule>()
        for finding in findings where finding.severity > .info && seen.insert(finding.rule).inserted {
            lines.append("  \(finding.id) (\(finding.recommendation.rawValue)): \(finding.fix)")
        }
        return lines.joined(separator: "\n")
    }
}
