/// A scan as a SARIF 2.1.0 log (OASIS, sarif-v2.1.0): one run, one rule per finding kind, one
/// result per finding; an endpoint is a logical location (no file is involved).
struct SARIFLog: Encodable {
    let schema = "https://json.schemastore.org/sarif-2.1.0.json"
    let version = "2.1.0"
    let runs: [Run]

    enum CodingKeys: String, CodingKey { case schema = "$schema", version, runs }

    struct Run: Encodable {
        let tool: Tool
        let results: [Result]
    }

    struct Tool: Encodable { let driver: Driver }

    struct Driver: Encodable {
        let name = "rampart scan"
        let informationUri = "https://dicom.nema.org/medical/dicom/current/output/html/part15.html"
        let rules: [Rule]
    }

    struct Message: Encodable { let text: String }

    struct Rule: Encodable {
        let id: String
        let name: String
        let shortDescription: Message
        let help: Message
        let defaultConfiguration: Configuration
        let properties: Properties
    }

    struct Configuration: Encodable { let level: String }

    struct Properties: Encodable {
        let severity: String
        let recommendation: String
    }

    struct Result: Encodable {
        let ruleId: String
        let ruleIndex: Int
        let level: String
        let message: Message
        let locations: [Location]
        let properties: Properties
    }

    struct Location: Encodable { let logicalLocations: [LogicalLocation] }

    struct LogicalLocation: Encodable {
        let name: String
        let fullyQualifiedName: String
        let kind = "resource"
    }

    init(_ report: ScanReport) {
        let rules = FindingRule.allCases
        let driver = Driver(rules: rules.map { rule in
            Rule(id: rule.rawValue, name: rule.title, shortDescription: Message(text: rule.title), help: Message(text: rule.fix),
                 defaultConfiguration: Configuration(level: rule.severity.sarifLevel),
                 properties: Properties(severity: rule.severity.rawValue, recommendation: rule.recommendation.rawValue))
        })
        let results = report.findings.map { finding in
            Result(ruleId: finding.id, ruleIndex: rules.firstIndex(of: finding.rule) ?? 0, level: finding.severity.sarifLevel,
                   message: Message(text: "\(finding.title): \(finding.evidence)"),
                   locations: [Location(logicalLocations: [LogicalLocation(name: finding.target, fullyQualifiedName: finding.target)])],
                   properties: Properties(severity: finding.severity.rawValue, recommendation: finding.recommendation.rawValue))
        }
        runs = [Run(tool: Tool(driver: driver), results: results)]
    }
}
