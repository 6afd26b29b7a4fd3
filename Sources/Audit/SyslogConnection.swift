import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

/// One open connection to a collector: a TCP connection with its TLS session established, or a
/// connected UDP socket.
///
/// A collector never sends anything over RFC 5425, so what arrives is only its leaving: TLS
/// close_notify, EOF or a reset. The channel reads all the time, NIO closes it when that comes,
/// and `send` checks on the channel's event loop, in the same task as the write, that the
/// channel is still open: a collector that left before the check is noticed and the message is
/// kept for the next connection.
///
/// What remains is a window no syslog sender can close without a protocol acknowledgment
/// (RFC 5425 has none; RELP does): a collector that closes at the very instant a message is
/// written, after the check, gets it into its socket buffer and never reads it. The write
/// completes locally, the message counts as delivered, and it is lost.
final class SyslogConnection: Sendable {
    private let channel: Channel
    private let collector: String

    private init(channel: Channel, collector: String) {
        self.channel = channel
        self.collector = collector
    }

    /// Connects, and over TLS completes the handshake (the collector's certificate checked
    /// against the CA and the host name) before returning.
    static func open(to collector: SyslogCollector, tls: NIOSSLContext?, group: any EventLoopGroup,
                     timeout: TimeAmount) async throws(SyslogExportError) -> SyslogConnection {
        let name = collector.description
        do {
            switch collector.transport {
            case .tls:
                guard let tls else { throw SyslogExportError.configuration("TLS to \(name) has no TLS context") }
                let isAddress = (try? SocketAddress(ipAddress: collector.host, port: 0)) != nil
                // An address is checked against the certificate's IP address names (NIOSSL does
                // that when no server name is given: SNI cannot carry an address).
                let serverHostname = isAddress ? nil : collector.host
                // The promise is completed on the channel's loop, so it is made there.
                let loop = group.next()
                let handshake = loop.makePromise(of: Void.self)
                let channel: Channel
                do {
                    channel = try await ClientBootstrap(group: loop)
                        .connectTimeout(timeout)
                        .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                        .channelInitializer { channel in
                            channel.eventLoop.makeCompletedFuture {
                                try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverHostname))
                                try channel.pipeline.syncOperations.addHandler(CollectorWatcher(handshake: handshake))
                            }
                        }
                        .connect(host: collector.host, port: collector.port).get()
                } catch {
                    handshake.fail(error)
                    throw error
                }
                do {
                    try await handshake.futureResult.get()
                } catch {
                    try? await channel.close()
                    throw error
                }
                return SyslogConnection(channel: channel, collector: name)
            case .udp:
                let channel = try await DatagramBootstrap(group: group)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(CollectorWatcher(handshake: nil))
                        }
                    }
                    .connect(host: collector.host, port: collector.port).get()
                return SyslogConnection(channel: channel, collector: name)
            }
        } catch let error as SyslogExportError {
            throw error
        } catch {
            throw .connection(collector: name, problem: "cannot connect (\(error))")
        }
    }

    /// Writes one framed message; returns once it is handed to the operating system.
    func send(_ frame: [UInt8]) async throws(SyslogExportError) {
        let channel = self.channel
        do {
            try await channel.eventLoop.flatSubmit { () -> EventLoopFuture<Void> in
                guard channel.isActive else {
                    return channel.eventLoop.makeFailedFuture(SyslogExportError.connection(collector: self.collector, problem: "the collector closed the connection"))
                }
                return channel.writeAndFlush(channel.allocator.buffer(bytes: frame))
            }.get()
        } catch let error as SyslogExportError {
            throw error
        } catch {
            throw .connection(collector: collector, problem: "the connection broke (\(error))")
        }
    }

    /// False once the collector (or a broken network) closed the connection.
    var isOpen: Bool { channel.isActive }

    /// Calls `body` when the connection closes, whoever closes it.
    func onClose(_ body: @escaping @Sendable () -> Void) {
        channel.closeFuture.whenComplete { _ in body() }
    }

    func close() async {
        try? await channel.close()
    }
}

/// Completes the TLS handshake promise, and takes what the collector sends so that its
/// closing is read (and the channel closed by NIO) as soon as it happens.
private final class CollectorWatcher: ChannelInboundHandler, Sendable {
    typealias InboundIn = Any

    private let handshake: EventLoopPromise<Void>?

    init(handshake: EventLoopPromise<Void>?) {
        self.handshake = handshake
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // A collector has nothing to say (RFC 5425 4.3): the data is dropped.
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event { handshake?.succeed() }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A failed handshake fails the connection; after it, NIOSSL and NIO close the channel on
        // fatal errors themselves. A UDP socket reports a collector that is not listening (ICMP
        // port unreachable) here, and the next write fails too, so it is retried.
        handshake?.fail(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        handshake?.fail(ChannelError.ioOnClosedChannel)
        context.fireChannelInactive()
    }
}
