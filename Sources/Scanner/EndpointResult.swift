/// What the scan learnt about one endpoint.
public struct EndpointResult: Sendable {
    public var endpoint: String
    public var state: PortState
    /// What the open port speaks: "dicom", "https", "http", "tls", or "unknown".
    public var service: String?
    public var findings: [Finding]

    public init(endpoint: String, state: PortState, service: String? = nil, findings: [Finding]) {
        self.endpoint = endpoint
        self.state = state
        self.service = service
        self.findings = findings
    }
}
