/// What `GET /api/findings` shows: the server's latest self-scan, its own listeners probed from
/// this host as `rampart scan` would probe them, and its configuration. Findings name ports,
/// AE titles and hosts; a scan of Rampart gets no patient data to name.
public struct ExposureReport: Encodable, Sendable {
    public struct Finding: Encodable, Sendable, Equatable {
        public var id: String
        public var title: String
        /// critical, high, medium, low or info.
        public var severity: String
        public var target: String
        public var evidence: String
        public var fix: String

        public init(id: String, title: String, severity: String, target: String, evidence: String, fix: String) {
            self.id = id
            self.title = title
            self.severity = severity
            self.target = target
            self.evidence = evidence
            self.fix = fix
        }
    }

    /// When the scan finished (ISO 8601).
    public var finished: String
    public var seconds: Double
    /// The endpoints probed, "host:port".
    public var endpoints: [String]
    /// Most severe first.
    public var findings: [Finding]

    public init(finished: String, seconds: Double, endpoints: [String], findings: [Finding]) {
        self.finished = finished
        self.seconds = seconds
        self.endpoints = endpoints
        self.findings = findings
    }
}
