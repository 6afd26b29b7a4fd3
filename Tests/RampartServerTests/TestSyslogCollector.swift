import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A syslog collector over TLS (RFC 5425) on loopback, for the exporter's tests: it asks for
/// a client certificate from the CA, reads octet-counted frames and keeps each message as text.
/// `stop()` closes its connections the way a collector that shuts down does (TLS close_notify).
final class TestSyslogCollector: Sendable {
    private struct State {
        var messages: [String] = []
        var connections: [any Channel] = []
    }

    private let state = Mutex(State())
    private let context: NIOSSLContext
    private let server = Mutex<(any Channel)?>(nil)

    init(certificateChainPath: String, privateKeyPath: String, caPath: String) throws {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificateChainPath).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: privateKeyPath, format: .pem)))
        configuration.trustRoots = .file(caPath)
        configuration.certificateVerification = .noHostnameVerification
        context = try NIOSSLContext(configuration: configuration)
    }

    var messages: [String] { state.withLock { $0.messages } }

    /// Listens on `port` (0: a free one) and returns the port.
    func start(port: Int = 0) async throws -> Int {
        let context = self.context
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(OctetCountedFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(Receiver(collector: self))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        server.withLock { $0 = channel }
        return channel.localAddress?.port ?? 0
    }

    /// Stops listening and closes every connection.
    func stop() async throws {
        let listener = server.withLock { server in
            defer { server = nil }
            return server
        }
        try await listener?.close()
        let connections = state.withLock { state in
            defer { state.connections = [] }
            return state.connections
        }
        for connection in connections { try? await connection.close() }
    }

    fileprivate func opened(_ channel: any Channel) { state.withLock { $0.connections.append(channel) } }
    fileprivate func received(_ message: String) { state.withLock { $0.messages.append(message) } }

    private final class Receiver: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let collector: TestSyslogCollector

        init(collector: TestSyslogCollector) { self.collector = collector }

        func channelActive(context: ChannelHandlerContext) {
            collector.opened(context.channel)
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let frame = unwrapInboundIn(data)
            collector.received(String(decoding: frame.readableBytesView, as: UTF8.self))
        }
    }
}

/// RFC 5425 4.3: `MSG-LEN SP SYSLOG-MSG`.
struct OctetCountedFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    struct BadFrame: Error {}

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        guard let space = view.firstIndex(of: UInt8(ascii: " ")) else {
            if view.count > 10 { throw BadFrame() }
            return .needMoreData
        }
        guard let length = Int(String(decoding: view[view.startIndex..<space], as: UTF8.self)), length > 0 else { throw BadFrame() }
        let header = space - view.startIndex + 1
        guard buffer.readableBytes >= header + length else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: header)
        guard let frame = buffer.readSlice(length: length) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }
}
