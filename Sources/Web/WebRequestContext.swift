import Access
import DICOMNetwork
import Hummingbird
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

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        peerAddress = PeerAddress.text(source.channel.remoteAddress)
        channel = source.channel
        access = AccessContext(principal: .anonymous, channel: .dicomweb, peerAddress: peerAddress, authentication: .none)
    }

    /// Route bodies are read by the routes that take them (STOW-RS streams them to disk); a
    /// decoded JSON body is never large.
    public var maxUploadSize: Int { 1 << 20 }
}
