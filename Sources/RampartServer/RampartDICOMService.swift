import Access
import Archive
import DICOMNetwork
import Foundation
import NIOCore

/// `rampart serve`'s DICOM side: the archive in the data folder, the gate over the AE
/// registry, and the DIMSE server, wired together.
public struct RampartDICOMService: Sendable {
    public struct Configuration: Sendable {
        public var dataDirectory: String
        public var listen: String
        public var port: Int
        public var aeTitle: AETitle

        public init(dataDirectory: String, listen: String, port: Int, aeTitle: AETitle) {
            self.dataDirectory = dataDirectory
            self.listen = listen
            self.port = port
            self.aeTitle = aeTitle
        }
    }

    public let configuration: Configuration
    public let archive: Archive
    public let registry: AERegistry
    private let server: DICOMServer

    /// Opens (or creates) the archive, running crash recovery, and refuses set-ups that would
    /// expose it (DESIGN.md rule 3).
    public init(_ configuration: Configuration, log: @escaping @Sendable (String) -> Void) throws {
        guard Self.isLoopback(configuration.listen) else {
            throw ServerSetupError("""
                refusing to listen on \(configuration.listen): DICOM beyond loopback needs TLS and authenticated peers, \
                which rampart serve cannot configure yet. Listen on 127.0.0.1 (the default) or ::1.
                """)
        }
        self.configuration = configuration
        archive = try Archive(directory: configuration.dataDirectory + "/archive")
        registry = try AERegistryFile(dataDirectory: configuration.dataDirectory).load()
        let gate = Gate(registry: registry, recorder: try DecisionLog(dataDirectory: configuration.dataDirectory))
        let spool = configuration.dataDirectory + "/spool"
        try DataFolder.ensure(spool)
        let provider = ArchiveServiceProvider(archive: archive, gate: gate, aeTitle: configuration.aeTitle, log: log)
        server = DICOMServer(
            configuration: DICOMServerConfiguration(host: configuration.listen, port: configuration.port,
                                                    association: AssociationOptions(spoolDirectory: spool)),
            provider: provider, log: log)
    }

    public func run(onListening: @Sendable (SocketAddress) -> Void) async throws {
        try await server.run(onListening: onListening)
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "::1" || host == "localhost" || host.hasPrefix("127.")
    }
}
