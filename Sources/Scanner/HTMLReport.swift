import Foundation

/// A scan report as one self-contained HTML page for the people who must act on it: a summary
/// with a bar chart of findings per severity (inline SVG), the open endpoints, each finding with
/// its evidence, and what to do, grouped by finding. Nothing is loaded from elsewhere (no
/// script, no style sheet, no font, no image), and every text from the scan is escaped: evidence
/// quotes what peers answered, which is not to be trusted as markup.
struct HTMLReport {
    let report: ScanReport
    let generated: Date

    private static let colours: [Severity: String] = [
        .critical: "#8b0000", .high: "#c0392b", .medium: "#b9770e", .low: "#1f618d", .info: "#566573",
    ]

    func render() -> String {
        let findings = report.findings
        let open = report.results.filter { $0.state == .open }
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Rampart exposure scan of \(Self.escape(report.targets.joined(separator: ", ")))</title>
            <style>
            body { font: 15px/1.45 system-ui, sans-serif; color: #1b1b1b; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; }
            h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; }
            table { border-collapse: collapse; width: 100%; } th, td { text-align: left; vertical-align: top; padding: .35rem .6rem; border-bottom: 1px solid #ccc; }
            th { background: #f2f2f2; } code { font-size: .9em; }
            .severity { color: #fff; font-weight: 600; padding: .1rem .45rem; border-radius: .25rem; white-space: nowrap; }
            \(Severity.allCases.map { ".\($0.rawValue) { background: \(Self.colours[$0]!); }" }.joined(separator: " "))
            </style>
            </head>
            <body>
            <h1>Exposure scan</h1>
            <p>Targets: \(Self.escape(report.targets.joined(separator: ", "))). \(report.results.count) endpoints probed, \(open.count) open, \
            \(findings.count) findings, in \(String(format: "%.1f", report.seconds)) s; report written \(Self.escape(Self.timestamp(generated))).</p>
            <p>Patient data is counted, never kept: evidence gives counts and the kinds of fields seen, with any text that looks like a name, a date of birth or an identifier masked.</p>

            """
        html += "<h2>Findings by severity</h2>\n" + chart(findings) + "\n"
        html += "<h2>Open endpoints</h2>\n"
        if open.isEmpty {
            html += "<p>None.</p>\n"
        } else {
            html += "<table><thead><tr><th scope=\"col\">Endpoint</th><th scope=\"col\">Service</th></tr></thead><tbody>\n"
            for result in open {
                html += "<tr><td><code>\(Self.escape(result.endpoint))</code></td><td>\(Self.escape(result.service ?? "unknown"))</td></tr>\n"
            }
            html += "</tbody></table>\n"
        }
        html += "<h2>Findings</h2>\n"
        if findings.isEmpty {
            html += "<p>None.</p>\n"
        } else {
            html += "<table><thead><tr><th scope=\"col\">Severity</th><th scope=\"col\">Finding</th><th scope=\"col\">Endpoint</th>"
                + "<th scope=\"col\">Evidence</th></tr></thead><tbody>\n"
            for finding in findings {
                html += "<tr><td><span class=\"severity \(finding.severity.rawValue)\">\(finding.severity.rawValue)</span></td>"
                    + "<td>\(Self.escape(finding.title))<br><code>\(Self.escape(finding.id))</code></td>"
                    + "<td><code>\(Self.escape(finding.target))</code></td><td>\(Self.escape(finding.evidence))</td></tr>\n"
            }
            html += "</tbody></table>\n"
            html += "<h2>What to do</h2>\n<dl>\n"
            var seen = Set<FindingRule>()
            for finding in findings where finding.severity > .info && seen.insert(finding.rule).inserted {
                html += "<dt><code>\(Self.escape(finding.id))</code> (\(Self.escape(finding.recommendation.rawValue)))</dt>"
                    + "<dd>\(Self.escape(finding.fix))</dd>\n"
            }
            html += "</dl>\n"
        }
        return html + "</body>\n</html>\n"
    }

    /// One bar per severity, its length the count, with the counts also as text (a table for
    /// screen readers: the chart is decoration of it).
    private func chart(_ findings: [Finding]) -> String {
        let counts = Severity.allCases.map { severity in (severity, findings.count { $0.severity == severity }) }
        let most = max(counts.map(\.1).max() ?? 0, 1)
        let (barHeight, gap, labelWidth, width) = (22, 8, 80, 520)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"chart-title\" width=\"\(width + 60)\" "
            + "height=\(Self.quoted(counts.count * (barHeight + gap)))><title id=\"chart-title\">Findings per severity</title>\n"
        for (row, (severity, count)) in counts.enumerated() {
            let y = row * (barHeight + gap)
            let length = count == 0 ? 0 : max(2, (width - labelWidth) * count / most)
            svg += "<text x=\"0\" y=\(Self.quoted(y + 16)) font-size=\"14\">\(severity.rawValue)</text>"
                + "<rect x=\(Self.quoted(labelWidth)) y=\(Self.quoted(y)) width=\(Self.quoted(length)) height=\(Self.quoted(barHeight)) fill=\"\(Self.colours[severity]!)\"/>"
                + "<text x=\(Self.quoted(labelWidth + length + 6)) y=\(Self.quoted(y + 16)) font-size=\"14\">\(count)</text>\n"
        }
        svg += "</svg>\n"
        let table = "<table class=\"counts\"><thead><tr>" + counts.map { "<th scope=\"col\">\($0.0.rawValue)</th>" }.joined()
            + "</tr></thead><tbody><tr>" + counts.map { "<td>\($0.1)</td>" }.joined() + "</tr></tbody></table>"
        return svg + table
    }

    private static func quoted(_ number: Int) -> String { "\"\(number)\"" }

    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    private static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}

extension ScanReport {
    /// The report as a self-contained HTML page (`HTMLReport`).
    public func html(generated: Date = Date()) -> String {
        HTMLReport(report: self, generated: generated).render()
    }
}
