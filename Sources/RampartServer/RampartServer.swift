import Logging
import ServiceLifecycle

/// The server's identity and lifecycle.
public enum RampartServer {
    public static let version = "0.1.0"

    /// Runs the services until SIGTERM or SIGINT, then shuts down gracefully: listeners close at
    /// once, work in progress gets `gracePeriodSeconds` to finish before it is cancelled.
    public static func run(_ services: [any Service], gracePeriodSeconds: Int) async throws {
        var configuration = ServiceGroupConfiguration(
            services: services.map { .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            // The process log is ours (one line per event on stderr); the group's own is silent.
            logger: Logger(label: "rampart", factory: { _ in SwiftLogNoOpLogHandler() }))
        configuration.maximumGracefulShutdownDuration = .seconds(gracePeriodSeconds)
        configuration.maximumCancellationDuration = .seconds(5)
        try await ServiceGroup(configuration: configuration).run()
    }
}
