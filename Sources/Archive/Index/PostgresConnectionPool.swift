import Dispatch
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// A few PostgreSQL connections shared by the index's transactions: at most `size` open, each
/// used by one transaction at a time, reopened when the server closed it.
///
/// Blocking: the index is synchronous (its callers are the synchronous `Archive` API, run on
/// NIOThreadPool threads and the archive actor, never on an event loop), so a transaction
/// waits for postgres-nio's futures on its own thread. Making the index async would change
/// every caller of `Archive` for no gain while the SQLite back end blocks on disk the same way.
/// `EventLoopFuture.wait()` traps if ever called on an event loop, so misuse cannot deadlock.
final class PostgresConnectionPool: Sendable {
    /// A connection with the statements prepared on it, which live as long as it does.
    struct Pooled: Sendable {
        let connection: PostgresConnection
        let statements: PreparedStatements
    }

    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private let idle = NIOLockedValueBox<[Pooled]>([])
    /// Counts the connections that may still be taken (`size` in all).
    private let slots: DispatchSemaphore
    private let nextID = NIOLockedValueBox(0)

    init(location: PostgresIndexLocation, size: Int, logger: Logger) throws(ArchiveError) {
        var configuration = PostgresConnection.Configuration(host: location.host, port: location.port, username: location.user,
                                                             password: location.password, database: location.database,
                                                             tls: try Self.tls(location))
        if let schema = location.schema {
            // `public` stays on the path for extensions (pg_trgm's operator classes).
            configuration.options.additionalStartupParameters = [("search_path", "\(schema), public")]
        }
        self.configuration = configuration
        self.logger = logger
        slots = DispatchSemaphore(value: size)
    }

    /// postgres-nio's TLS for the location's mode; `.require` never falls back to plain text.
    private static func tls(_ location: PostgresIndexLocation) throws(ArchiveError) -> PostgresConnection.Configuration.TLS {
        switch location.tls {
        case .disable:
            return .disable
        case .require:
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .none
            return .require(try context(tls, location))
        case .verifyFull:
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .fullVerification
            if let path = location.rootCertificates {
                do {
                    tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(path))
                } catch {
                    throw .indexServer(operation: "connect to \(location)", underlying: "cannot read the CA certificates in \(path) (sslrootcert): \(error)")
                }
            }
            return .require(try context(tls, location))
        }
    }

    private static func context(_ tls: TLSConfiguration, _ location: PostgresIndexLocation) throws(ArchiveError) -> NIOSSLContext {
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw .indexServer(operation: "connect to \(location)", underlying: "cannot set up TLS: \(error)")
        }
    }

    deinit {
        // postgres-nio requires a connection closed before it is released: each is kept by
        // its close's callback until the close completes.
        for connection in idle.withLockedValue({ $0 }).map(\.connection) {
            let closed: EventLoopFuture<Void> = connection.close()
            closed.whenComplete { _ in withExtendedLifetime(connection) {} }
        }
    }

    /// Runs `body` with a connection of its own; a connection the server closed is not reused.
    func withConnection<T>(_ body: (Pooled) throws -> T) throws -> T {
        slots.wait()
        defer { slots.signal() }
        let pooled = try idle.withLockedValue { $0.popLast() } ?? connect()
        defer {
            if !pooled.connection.isClosed { idle.withLockedValue { $0.append(pooled) } }
        }
        return try body(pooled)
    }

    private func connect() throws -> Pooled {
        let id = nextID.withLockedValue { id in
            id += 1
            return id
        }
        let connection = try PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration,
                                                        id: id, logger: logger).wait()
        return Pooled(connection: connection, statements: PreparedStatements())
    }
}
