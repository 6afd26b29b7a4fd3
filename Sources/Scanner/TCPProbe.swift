import NIOCore
import NIOPosix

/// Is anything listening? One connect, closed at once.
struct TCPProbe: Sendable {
    let context: ProbeContext

    func run(_ endpoint: ScanEndpoint) async -> PortState {
        do {
            let channel = try await context.bootstrap().connect(host: endpoint.host, port: endpoint.port).get()
            try? await channel.close()
            return .open
        } catch ChannelError.connectTimeout {
            return .filtered
        } catch {
            return .closed
        }
    }
}
