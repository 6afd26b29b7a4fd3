/// How urgently a finding needs acting on, most urgent first.
public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case critical, high, medium, low, info

    /// 0 is the most urgent.
    var rank: Int { Self.allCases.firstIndex(of: self) ?? Self.allCases.count }

    /// More urgent compares greater.
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank > rhs.rank }

    /// SARIF 2.1.0 result level (3.27.10).
    var sarifLevel: String {
        switch self {
        case .critical, .high: "error"
        case .medium: "warning"
        case .low, .info: "note"
        }
    }
}
