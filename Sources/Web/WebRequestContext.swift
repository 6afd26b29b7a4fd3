import Access
import DICOMNetwork
import Hummingbird
import Logs
import NIOCore

/// What a request carries through the middleware to its route: the peer it came from, and who
/// its credential proves (set by `AuthenticationMiddleware` before any route runs).
public struct WebRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// "ip:port" of the peer, as the gate and the audit log name it.
    public let peerAddress: String
    /// The connection, whose TLS client certificate the authentication middleware reads.
    let channel: any Channel
    /// Who the request's credential proves; anonymous until the middleware has run.
    public var access: AccessContext
    /// The web UI's session cookie, when the request was authenticated by one.
    var sessionCookie: String?
    /// Names the request in the server's log and in the response's X-Request-ID: the one a
    /// proxy in front sent, when it is a plain token, else one of Rampart's (`RequestIDMiddleware`).
    public var requestID: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        peerAddress = PeerAddress.text(source.channel.remoteAddress)
        channel = source.channel
        access = AccessContext(principal: .anonymous, channel: .dicomweb, peerAddress: peerAddress, authentication: .none)
        requestID = LogID.random()
    }

    /// `log` with this request's ID on every line.
    func log(_ log: Log) -> Log { log.with("request", requestID) }

    /// Route bodies are read by the routes that take them (STOW-RS streams them to disk); a
    /// decoded JSON body is never large.
    public var maxUploadSize: Int { 1 << 20 }
}
