import Dispatch
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
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
    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private let idle = NIOLockedValueBox<[PostgresConnection]>([])
    /// Counts the connections that may still be taken (`size` in all).
    private let slots: DispatchSemaphore
    private let nextID = NIOLockedValueBox(0)

    init(location: PostgresIndexLocation, size: Int, logger: Logger) {
        var configuration = PostgresConnection.Configuration(host: location.host, port: location.port, username: location.user,
                                                             password: location.password, database: location.database, tls: .disable)
        if let schema = location.schema {
            // `public` stays on the path for extensions (pg_trgm's operator classes).
            configuration.options.additionalStartupParameters = [("search_path", "\(schema), public")]
        }
        self.configuration = configuration
        self.logger = logger
        slots = DispatchSemaphore(value: size)
    }

    deinit {
        // postgres-nio requires a connection closed before it is released: each is kept by
        // its close's callback until the close completes.
        for connection in idle.withLockedValue({ $0 }) {
            let closed: EventLoopFuture<Void> = connection.close()
            closed.whenComplete { _ in withExtendedLifetime(connection) {} }
        }
    }

    /// Runs `body` with a connection of its own; a connection the server closed is not reused.
    func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        slots.wait()
        defer { slots.signal() }
        let connection = try idle.withLockedValue { $0.popLast() } ?? connect()
        defer {
            if !connection.isClosed { idle.withLockedValue { $0.append(connection) } }
        }
        return try body(connection)
    }

    private func connect() throws -> PostgresConnection {
        let id = nextID.withLockedValue { id in
            id += 1
            return id
        }
        return try PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration,
                                              id: id, logger: logger).wait()
    }
}
