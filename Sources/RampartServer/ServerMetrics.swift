import Access
import Archive
import Audit
import CoreMetrics
import Foundation
import Prometheus
import Web

/// `rampart serve`'s metrics and health: one Prometheus registry per server (no process-wide
/// metrics system), which the libraries count into through swift-metrics (`factory`), and the
/// readings taken when Prometheus scrapes: what the archive holds, the audit export's backlog,
/// the legacy exceptions configured. Serves `/metrics` and `/health` (`Web.ServerMonitoring`).
public struct ServerMetrics: ServerMonitoring {
    public let registry: PrometheusCollectorRegistry
    /// For `DICOMServerMetrics`, `Archive`, `WebServer` and the gate's recorder.
    public let factory: PrometheusMetricsFactory
    private let archive: Archive
    private let audit: AuditTrail
    private let export: SyslogExporter?
    private let registryOfAEs: @Sendable () -> AERegistry

    private let storedInstances: Prometheus.Gauge
    private let storedBytes: Prometheus.Gauge
    private let availableBytes: Prometheus.Gauge
    private let auditRecords: Prometheus.Gauge
    private let auditBacklog: Prometheus.Gauge
    private let legacyExceptions: Prometheus.Gauge

    init(archive: Archive, audit: AuditTrail, export: SyslogExporter?, registry registryOfAEs: @escaping @Sendable () -> AERegistry,
         metrics registry: PrometheusCollectorRegistry) {
        self.registry = registry
        factory = Self.factory(registry)
        self.archive = archive
        self.audit = audit
        self.export = export
        self.registryOfAEs = registryOfAEs
        func gauge(_ name: String, _ help: String) -> Prometheus.Gauge {
            registry.makeGauge(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help))
        }
        storedInstances = gauge("rampart_storage_instances", "Instances in the archive.")
        storedBytes = gauge("rampart_storage_bytes", "Bytes of the archived files.")
        availableBytes = gauge("rampart_storage_available_bytes", "Free space on the blob store's file system.")
        auditRecords = gauge("rampart_audit_records", "Records in the audit log.")
        auditBacklog = gauge("rampart_audit_export_backlog_records",
                             "Audit records not yet sent to the syslog collector (audit.syslog); 0 when none is configured.")
        legacyExceptions = gauge("rampart_legacy_exceptions_configured", "Registered AEs let in by host without a credential (legacy exceptions).")
    }

    /// The swift-metrics backend over `registry`.
    static func factory(_ registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        // Queries and stores take milliseconds; a C-MOVE of a large study takes minutes.
        factory.defaultDurationHistogramBuckets = [.milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                                                   .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5),
                                                   .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300)]
        return factory
    }

    public func metrics(grant: Grant) async throws -> [UInt8] {
        let use = try archive.storageUse(grant: grant)
        storedInstances.set(to: Double(use.instances))
        storedBytes.set(to: Double(use.bytes))
        if let available = use.availableBytes { availableBytes.set(to: Double(available)) }
        let last = try audit.store.lastSequence()
        auditRecords.set(to: Double(last))
        if let export {
            let sent = (try? export.cursor.load()) ?? 0
            auditBacklog.set(to: Double(last > sent ? last - sent : 0))
        } else {
            auditBacklog.set(to: 0)
        }
        legacyExceptions.set(to: Double(registryOfAEs().entries.values.count { $0.certificateSHA256 == nil }))
        return registry.emitToBuffer()
    }

    public func readiness() async -> Readiness {
        var failing: [Readiness.Component: String] = [:]
        do {
            try await archive.checkReady()
        } catch let .blobStore(problem) {
            failing[.blobStore] = "\(problem)"
        } catch {
            failing[.index] = "\(error)"
        }
        do {
            _ = try audit.store.lastSequence()
            if access(audit.store.path, W_OK) != 0 {
                failing[.audit] = "\(audit.store.path) cannot be written (\(String(cString: strerror(errno)))): every access would be refused"
            }
        } catch {
            failing[.audit] = "\(error)"
        }
        return Readiness(failing: failing)
    }
}

/// The gate's recorder, counting each decision as it is recorded: accesses allowed and denied
/// per channel and action, and each admission of a legacy exception (an AE let in by host, no
/// credential) per AE title: which the operator configured, so the label set stays theirs.
struct CountingDecisionRecorder: DecisionRecorder {
    let recorder: any DecisionRecorder
    let factory: any MetricsFactory

    func record(_ decision: GateDecision) async throws -> DecisionID {
        let id = try await recorder.record(decision)
        let context = decision.context
        Counter(label: "rampart_access_decisions_total",
                dimensions: [("channel", context.channel.rawValue), ("action", decision.action.rawValue),
                             ("decision", decision.allowed ? "allowed" : "denied")], factory: factory).increment()
        if decision.allowed, decision.action == .associate, context.authentication == .registeredAE,
           case let .applicationEntity(title) = context.principal {
            Counter(label: "rampart_legacy_admissions_total", dimensions: [("ae", title)], factory: factory).increment()
        }
        return id
    }
}
