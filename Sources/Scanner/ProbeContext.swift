import NIOCore
import NIOPosix

/// What every probe of one scan shares: the options, the pacer, the event loops.
struct ProbeContext: Sendable {
    let options: ScanOptions
    let pacer: ConnectionPacer
    let group: any EventLoopGroup

    /// A bootstrap for one paced connection, bounded by the connect timeout.
    func bootstrap() async -> ClientBootstrap {
        await pacer.waitTurn()
        return ClientBootstrap(group: group)
            .connectTimeout(options.connectTimeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
    }
}
