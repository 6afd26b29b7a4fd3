/// The application entities allowed to associate without a user credential: title and either
/// the hosts it may call from (DESIGN.md rule 3: a legacy modality is a per-AE, per-address
/// exception) or the one TLS client certificate its device holds.
public struct AERegistry: Sendable, Hashable {
    public struct Entry: Sendable, Hashable, Codable {
        public var title: String
        /// The address it calls from (unless a certificate is bound) and is called back at
        /// (C-MOVE destination).
        public var host: String
        public var port: Int
        /// The roles the AE acts with; absent (as in registries written before roles) means
        /// `modality`.
        public var roles: [String]?
        /// The SHA-256 of the DER certificate the AE's device presents over DICOM TLS
        /// (`CertificateFingerprint`); when set, that certificate is the AE's credential and
        /// the host no longer matters.
        public var certificateSHA256: String?

        public init(title: String, host: String, port: Int, roles: [String]? = nil, certificateSHA256: String? = nil) {
            self.title = title
            self.host = host
            self.port = port
            self.roles = roles
            self.certificateSHA256 = certificateSHA256
        }

        private enum CodingKeys: String, CodingKey {
            case title, host, port, roles
            case certificateSHA256 = "certificate_sha256"
        }

        /// Whether this AE may be who calls from `host` with the TLS client certificate
        /// `certificateFingerprint` (nil: none presented), how strongly that authenticates it,
        /// and why, in words that tell the operator what to change.
        ///
        /// A bound certificate is the device's identity: exactly that certificate admits the AE
        /// from any host, and nothing else admits it, not even its registered host (an AE title
        /// is not a credential). Without one, the registered host is the (legacy) rule.
        public func admission(host: String, certificateFingerprint: String?) -> Admission {
            guard let bound = certificateSHA256 else {
                guard host == self.host else {
                    return .refused("AE \(title) is registered for host \(self.host), but called from \(host): "
                        + "if the device moved, re-register it with rampart ae add \(title) --host \(host) --port \(port)")
                }
                return Admission(allowed: true, strength: .registeredAE, reason: "registered AE from its registered host")
            }
            let expected = CertificateFingerprint.abbreviated(bound)
            guard let presented = certificateFingerprint else {
                return .refused("AE \(title) is bound to the client certificate sha256 \(expected), but the peer at \(host) "
                    + "presented none: the device must call the DICOM TLS port with that certificate (rampart ae certificate \(title) issues one)")
            }
            guard presented == bound else {
                return .refused("AE \(title) is bound to the client certificate sha256 \(expected), but the peer at \(host) "
                    + "presented another (sha256 \(CertificateFingerprint.abbreviated(presented))): if the device has a new "
                    + "certificate, bind it with rampart ae add \(title) --certificate FILE.pem")
            }
            return Admission(allowed: true, strength: .certificate, reason: "AE presented its bound client certificate (sha256 \(expected))")
        }

        /// The outcome of `admission(host:certificateFingerprint:)`.
        public struct Admission: Sendable, Hashable {
            public var allowed: Bool
            /// What the admission proves; `.none` when refused.
            public var strength: AuthenticationStrength
            public var reason: String

            static func refused(_ reason: String) -> Admission {
                Admission(allowed: false, strength: .none, reason: reason)
            }
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
        entry(boundTo: fingerprint) != nil
    }

    /// The registered AE bound to the certificate with this fingerprint: the device a client
    /// certificate names when it comes without an AE title (over HTTPS).
    public func entry(boundTo fingerprint: String) -> Entry? {
        entries.values.first { $0.certificateSHA256?.lowercased() == fingerprint.lowercased() }
    }
}
