/// The application entities allowed to associate without a user credential: title and the
/// hosts it may call from (DESIGN.md rule 3: a legacy modality is a per-AE, per-address exception).
public struct AERegistry: Sendable, Hashable {
    public struct Entry: Sendable, Hashable, Codable {
        public var title: String
        /// The address it calls from and is called back at (C-MOVE destination).
        public var host: String
        public var port: Int
        /// The roles the AE acts with; absent (as in registries written before roles) means
        /// `modality`.
        public var roles: [String]?
        /// SHA-256 (lowercase hex) of the TLS client certificate bound to the AE, if any.
        public var certificateSHA256: String?

        enum CodingKeys: String, CodingKey {
            case title, host, port, roles
            case certificateSHA256 = "certificate_sha256"
        }

        public init(title: String, host: String, port: Int, roles: [String]? = nil, certificateSHA256: String? = nil) {
            self.title = title
            self.host = host
            self.port = port
            self.roles = roles
            self.certificateSHA256 = certificateSHA256
        }
    }

    public private(set) var entries: [String: Entry] = [:]

    public init(_ entries: [Entry] = []) {
        for entry in entries { self.entries[entry.title] = entry }
    }

    public mutating func add(_ entry: Entry) { entries[entry.title] = entry }

    @discardableResult
    public mutating func remove(_ title: String) -> Entry? { entries.removeValue(forKey: title) }

    public subscript(title: String) -> Entry? { entries[title] }

    /// Whether a registered AE is bound to the certificate with this fingerprint.
    public func knowsDevice(certificateSHA256 fingerprint: String) -> Bool {
        entries.values.contains { $0.certificateSHA256?.lowercased() == fingerprint.lowercased() }
    }
}
