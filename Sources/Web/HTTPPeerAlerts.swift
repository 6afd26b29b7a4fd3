import DICOMNetwork
import NIOCore
import NIOHTTP1

/// Where the web server reports requests refused as malformed (400): an implementation records
/// them as security alerts, coalesced per host (RampartServer's `ConnectionAlerts`), so a flood
/// of hostile requests is on record without one record per request.
public protocol HTTPPeerAlerts: Sendable {
    /// `peerAddress` ("ip:port") sent a request refused with 400; `detail` says which, without
    /// its query or body.
    func malformedRequest(peerAddress: String, detail: String)
}

/// Reports what NIO's HTTP parser refuses (an oversized header, a request line it cannot read),
/// which Hummingbird answers with 400 before any middleware sees a request, then passes the
/// error on for that answer.
final class HTTPParserErrorReporter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let alerts: any HTTPPeerAlerts

    init(alerts: any HTTPPeerAlerts) {
        self.alerts = alerts
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? HTTPParserError {
            alerts.malformedRequest(peerAddress: PeerAddress.text(context.channel.remoteAddress),
                                    detail: "a request the HTTP parser refused: \(error)")
        }
        context.fireErrorCaught(error)
    }
}
