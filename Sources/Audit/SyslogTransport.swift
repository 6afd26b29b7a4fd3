/// How messages travel to a collector, and how each is framed on the way.
public enum SyslogTransport: Sendable, Equatable {
    /// TLS over TCP (RFC 5425), as IHE ATNA requires: the collector is authenticated, the
    /// messages are private, and a message counts as delivered once written to a connection the
    /// collector had not closed, so none is lost while it is down.
    case tls(SyslogTLS)
    /// UDP (RFC 5426): one message per datagram, in clear, with no acknowledgment. A datagram
    /// lost on the way or sent while the collector is down is lost: for a collector that
    /// cannot take TLS, on a network that is trusted.
    case udp

    /// RFC 5425 4.3 octet counting over TLS (`MSG-LEN SP SYSLOG-MSG`, the length in decimal
    /// bytes), so a message may hold any byte, line breaks included; over UDP the datagram is
    /// the frame (RFC 5426 3.1).
    public func frame(_ message: [UInt8]) -> [UInt8] {
        switch self {
        case .tls: Array("\(message.count) ".utf8) + message
        case .udp: message
        }
    }

    public var name: String {
        switch self {
        case .tls: "tls"
        case .udp: "udp"
        }
    }
}
