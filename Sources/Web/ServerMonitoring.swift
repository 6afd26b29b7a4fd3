import Access

/// What /metrics and /health report: given by the server that runs the web server
/// (`rampart serve`), which knows the archive, the audit log and the metrics registry.
public protocol ServerMonitoring: Sendable {
    /// The metrics in the Prometheus text exposition format (0.0.4), read through a `monitor`
    /// grant.
    func metrics(grant: Grant) async throws -> [UInt8]
    /// Whether the server can take work now; what is not ready and why.
    func readiness() async -> Readiness
}

/// The parts of the server that must work for it to take work, and which do not.
public struct Readiness: Sendable, Hashable {
    /// A part the readiness probe checks.
    public enum Component: String, Sendable, Hashable, CaseIterable, Codable {
        /// The archive's index (SQLite) answers.
        case index
        /// The blob store's folder may be written.
        case blobStore = "blob-store"
        /// The audit log may be read and written: if it cannot record, every access is refused.
        case audit
    }

    /// What is not ready, with why (for the process log; the probe's answer names the part only).
    public var failing: [Component: String]

    public init(failing: [Component: String] = [:]) {
        self.failing = failing
    }

    public var isReady: Bool { failing.isEmpty }
}
