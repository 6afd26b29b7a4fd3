/// One thing a scan found on one endpoint. The evidence never holds a patient value: counts,
/// the kinds of fields seen, status codes and masked text only.
public struct Finding: Sendable, Hashable, Encodable {
    public var rule: FindingRule
    public var severity: Severity
    /// host:port.
    public var target: String
    public var evidence: String

    /// `severity` defaults to the rule's.
    public init(_ rule: FindingRule, target: String, evidence: String, severity: Severity? = nil) {
        self.rule = rule
        self.severity = severity ?? rule.severity
        self.target = target
        self.evidence = PHIPatterns.masked(evidence)
    }

    public var id: String { rule.rawValue }
    public var title: String { rule.title }
    public var fix: String { rule.fix }
    public var recommendation: Recommendation { rule.recommendation }

    enum CodingKeys: String, CodingKey {
        case id, severity, target, title, evidence, fix, recommendation
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(severity, forKey: .severity)
        try container.encode(target, forKey: .target)
        try container.encode(title, forKey: .title)
        try container.encode(evidence, forKey: .evidence)
        try container.encode(fix, forKey: .fix)
        try container.encode(recommendation, forKey: .recommendation)
    }
}
