import DICOM
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization
import Logs

/// A DICOM SCP: accepts associations and runs each one's DIMSE services on a provider.
///
/// One failing or hostile association never affects another: each runs in its own task, and
/// anything it does wrong ends only that association (PS3.8 A-ABORT).
public struct DICOMServer: Sendable {
    public let configuration: DICOMServerConfiguration
    public let provider: any DICOMServiceProvider
    /// Counts associations against their limits; share one between servers to share limits.
    public let limiter: SharedAssociationLimiter
    /// Logs one line per event; never patient data. Defaults to standard error.
    public let log: Log
    public let metrics: DICOMServerMetrics

    public init(configuration: DICOMServerConfiguration, provider: any DICOMServiceProvider,
                limiter: SharedAssociationLimiter = SharedAssociationLimiter(), metrics: DICOMServerMetrics = DICOMServerMetrics(),
                log: Log = .standardError) {
        self.configuration = configuration
        self.provider = provider
        self.limiter = limiter
        self.metrics = metrics
        self.log = log
    }

    /// Listens until the task is cancelled or `control.stopAccepting()` is called; then returns
    /// once the associations already accepted have ended. `onListening` gets the bound address
    /// (useful with port 0).
    public func run(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, control: DICOMServerControl = DICOMServerControl(),
                    onListening: @Sendable (SocketAddress) -> Void = { _ in }) async throws {
        let tls = try configuration.tls?.makeContext()
        let configuration = self.configuration
        let unserved = UnservedConnections()
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let asyncChannel = try AssociationChannel.configure(
                        channel, side: .acceptor, tls: tls, serverHostname: nil,
                        artimTimeout: configuration.artimTimeout, maximumPDULength: configuration.maximumPDULength)
                    unserved.add(asyncChannel, of: channel)
                    return (asyncChannel, channel)
                }
            }
        if let address = server.channel.localAddress { onListening(address) }
        control.listening(on: server.channel)
        let limiter = self.limiter, metrics = self.metrics
        try await withThrowingDiscardingTaskGroup { group in
            do {
                try await server.executeThenClose { inbound in
                    for try await (child, channel) in inbound {
                        unserved.remove(channel)
                        // Counted from the connection on, so that silent connections (waiting
                        // for ARTIM) count too; the host is the address alone, any port.
                        let host = channel.remoteAddress?.ipAddress ?? "unknown"
                        let address = AssociationChannel.address(of: channel)
                        let refusal = limiter.admit(host: host)
                        group.addTask {
                            defer { if refusal == nil { limiter.ended(host: host) } }
                            if let refusal {
                                // Every refused connection, also one that never sends its request.
                                metrics.refused(.limit)
                                await provider.associationLimitExceeded(peer: AssociationPeer(address: address), refusal: refusal)
                            }
                            await serve(child, channel: channel, address: address, refusal: refusal)
                        }
                    }
                }
            } catch where control.isStopped {
                // Closing the listening socket may end the accept loop with an error instead of
                // its end; either way the associations accepted go on, so the group waits for
                // them rather than cancelling them with the error.
            }
            // Connections made as the listening socket closed, never handed to the loop: closed
            // here, each through its own channel (one dropped unclosed would stop the process).
            try? await server.channel.closeFuture.get()
            for connection in unserved.removeAll() {
                try? await connection.executeThenClose { _, _ in }
            }
        }
    }

    private func serve(_ child: AssociationChannel.Async, channel: Channel, address: String, refusal: AssociationLimiter.Refusal?) async {
        // Every line of this connection names it, from the request to the release.
        let log = self.log.with("association", LogID.random())
        do {
            try await child.executeThenClose { inbound, outbound in
                var events = inbound.makeAsyncIterator()
                guard let first = try await events.next() else { return }
                let peer = await AssociationChannel.peer(of: channel)
                guard case let .associationRequested(request) = first else {
                    if case let .aborted(why) = first { log.notice("association from \(peer): \(why)") }
                    if case let .aborted(.protocolViolation(detail)) = first {
                        await provider.protocolViolated(peer: AssociationPeer(address: address, certificate: peer.certificate), detail: detail)
                    }
                    if case let .aborted(.transportSecurity(detail)) = first {
                        // The channel is closed: its address is the one read at accept.
                        metrics.refused(.tls)
                        await provider.tlsFailed(peer: AssociationPeer(address: address, certificate: peer.certificate), reason: detail)
                    }
                    return
                }
                let who = "\(request.callingAETitle)@\(peer) -> \(request.calledAETitle)"
                // PS3.8 9.3.4: rejected-transient, service-provider (presentation), local limit
                // exceeded; nothing of the request is looked at.
                if let refusal {
                    log.notice("association \(who) rejected: \(refusal)")
                    try await outbound.write(.reject(AssociateRJ(result: .rejectedTransient, source: .serviceProviderPresentation(.localLimitExceeded))))
                    try await drain(&events)
                    return
                }
                let accepted: (AssociateAC, NegotiatedAssociation)
                let authenticatedUser: AuthenticatedUser?
                switch await provider.associationRequested(request, peer: peer) {
                case let .reject(rj, reason):
                    metrics.refused(.provider)
                    log.notice("association \(who) rejected: \(reason)")
                    try await outbound.write(.reject(rj))
                    try await drain(&events)
                    return
                case let .accept(acceptor, identityResponse, user):
                    authenticatedUser = user
                    switch AssociationNegotiator.answer(request, configuration: acceptor, userIdentityResponse: identityResponse) {
                    case let .reject(rj, failure):
                        metrics.refused(.negotiation)
                        log.notice("association \(who) rejected: \(failure)")
                        try await outbound.write(.reject(rj))
                        try await drain(&events)
                        return
                    case let .accept(ac, negotiated):
                        accepted = (ac, negotiated)
                    }
                }
                try await outbound.write(.accept(accepted.0, accepted.1))
                log.info("association \(who) accepted: \(accepted.1.acceptedContexts.count) presentation contexts")
                metrics.accepted()
                defer { metrics.ended() }
                let association = Association(negotiated: accepted.1, peer: peer, outbound: outbound, options: configuration.association,
                                              responded: { [metrics] in metrics.responded($0) })
                let services = ServiceDispatcher(association: association, provider: provider, authenticatedUser: authenticatedUser,
                                                 metrics: metrics, log: log)
                await withDiscardingTaskGroup { group in
                    group.addTask { await services.run() }
                    await association.route(&events)
                }
                if let end = association.abnormalEnd {
                    log.notice("association \(who) ended: \(end)")
                    if case let .protocolViolation(detail) = end {
                        await provider.protocolViolated(peer: AssociationPeer(address: address, certificate: peer.certificate), detail: detail)
                    }
                }
            }
        } catch {
            log.warning("association from \(channel.remoteAddress.map { "\($0)" } ?? "?"): \(error)")
        }
    }

    /// After a reject, waits for the peer to close (or ARTIM to close for it).
    private func drain<Events: AsyncIteratorProtocol>(_ events: inout Events) async throws where Events.Element == AssociationEvent {
        while try await events.next() != nil {}
    }
}

/// Stops a running server from outside (a graceful shutdown): closing the listening socket ends
/// its accept loop, while associations already accepted go on until they end.
public final class DICOMServerControl: Sendable {
    private enum State {
        case starting
        case listening(any Channel)
        case stopped
    }
    private let state = Mutex<State>(.starting)

    public init() {}

    /// True once `stopAccepting` was called.
    var isStopped: Bool {
        state.withLock { if case .stopped = $0 { true } else { false } }
    }

    /// Closes the listening socket now, or as soon as it is bound if the server is still starting.
    public func stopAccepting() {
        let channel: (any Channel)? = state.withLock { state in
            defer { state = .stopped }
            if case let .listening(channel) = state { return channel }
            return nil
        }
        channel?.close(promise: nil)
    }

    func listening(on channel: any Channel) {
        let stopped = state.withLock { state in
            if case .stopped = state { return true }
            state = .listening(channel)
            return false
        }
        if stopped { channel.close(promise: nil) }
    }
}

/// The connections the listening channel made that the accept loop has not taken yet. NIO can
/// make one just as the listening socket closes and never hand it to the loop (swift-nio #2637,
/// #3481); a `NIOAsyncChannel` released without `executeThenClose` traps, so the server keeps
/// each here until the loop takes it, and closes the rest once the listening socket is closed.
final class UnservedConnections: Sendable {
    private let connections = Mutex<[ObjectIdentifier: AssociationChannel.Async]>([:])

    func add(_ connection: AssociationChannel.Async, of channel: any Channel) {
        connections.withLock { $0[ObjectIdentifier(channel)] = connection }
    }

    func remove(_ channel: any Channel) {
        _ = connections.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    func removeAll() -> [AssociationChannel.Async] {
        connections.withLock { connections in
            defer { connections = [:] }
            return Array(connections.values)
        }
    }
}

