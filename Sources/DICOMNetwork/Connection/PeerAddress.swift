import NIOCore

/// How a peer's address is written wherever the gate, the audit log and the process log name
/// it: "ip:port", or "[ipv6]:port", whichever channel it came through (DIMSE or HTTP), so that
/// one network range in a policy matches both.
public enum PeerAddress {
    public static func text(_ address: SocketAddress?) -> String {
        guard let address else { return "unknown" }
        if let ip = address.ipAddress, let port = address.port { return address.protocol == .inet6 ? "[\(ip)]:\(port)" : "\(ip):\(port)" }
        return "\(address)"
    }
}
