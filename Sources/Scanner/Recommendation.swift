/// What would have kept the exposed archives of the 2019 PACS incidents closed; every finding
/// maps to one, so an operator sees which measure is missing.
public enum Recommendation: String, Sendable, Hashable, Codable, CaseIterable {
    case authenticate
    case encrypt
    case restrictNetwork
    case limitDisclosure
    case hideVersion
    case update
    case none

    public var summary: String {
        switch self {
        case .authenticate: "Require authentication on every channel (DICOM user identity or TLS client certificates, web logins)."
        case .encrypt: "Encrypt every channel with TLS 1.2 or later and a certificate the clients can verify."
        case .restrictNetwork: "Keep the archive off the internet: firewall or VPN, and allow only the modalities and viewers that need it."
        case .limitDisclosure: "Show no patient data to anyone who has not signed in."
        case .hideVersion: "Do not announce product versions; keep the software patched."
        case .update: "Run releases that fix the published vulnerabilities; follow the vendors' and CISA's medical advisories."
        case .none: "Nothing to change."
        }
    }
}
