import Metrics

/// What the DICOM server counts, through swift-metrics: the application picks the backend
/// (`rampart serve`: Prometheus at /metrics); by default nothing is kept. Labels are bounded
/// sets (outcomes, DIMSE operations, status categories), never an AE title or an address:
/// a scanner must not be able to grow the metrics without bound.
public struct DICOMServerMetrics: Sendable {
    /// Why an association did not go ahead, as a label.
    public enum Refusal: String, Sendable {
        /// Over the server's association limits (PS3.8 local-limit-exceeded).
        case limit
        /// The provider refused it: no credential, an unknown AE, a policy denial.
        case provider
        /// Nothing could be negotiated (application context, presentation contexts, roles).
        case negotiation
        /// The TLS handshake failed before any association request.
        case tls
    }

    private let factory: any MetricsFactory
    private let active: Meter

    public init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.factory = factory
        active = Meter(label: "rampart_dicom_associations_active", factory: factory)
    }

    func accepted() {
        Counter(label: "rampart_dicom_associations_total", dimensions: [("outcome", "accepted"), ("reason", "")], factory: factory).increment()
        active.increment()
    }

    func refused(_ refusal: Refusal) {
        Counter(label: "rampart_dicom_associations_total", dimensions: [("outcome", "refused"), ("reason", refusal.rawValue)],
                factory: factory).increment()
    }

    func ended() {
        active.decrement()
    }

    /// A final (not pending) response the server sent: one operation done, and how.
    func responded(_ command: DIMSECommand) {
        guard let field = command.commandField, field.isResponse, let status = command.status, status.category != .pending else { return }
        Counter(label: "rampart_dimse_operations_total",
                dimensions: [("operation", Self.operation(field)), ("status", status.category.description)], factory: factory).increment()
    }

    /// How long one request took, from its arrival to its final response.
    func handled(_ request: CommandField, in duration: Duration) {
        Timer(label: "rampart_dimse_operation_duration_seconds", dimensions: [("operation", Self.operation(request))], factory: factory)
            .record(duration: duration)
    }

    /// "C-STORE" for C-STORE-RQ and C-STORE-RSP alike.
    static func operation(_ field: CommandField) -> String {
        let name = field.description
        return name.hasSuffix("-RQ") ? String(name.dropLast(3)) : name.hasSuffix("-RSP") ? String(name.dropLast(4)) : name
    }
}
