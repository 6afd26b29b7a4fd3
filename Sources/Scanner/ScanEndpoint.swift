/// One host and port a scan probes.
public struct ScanEndpoint: Sendable, Hashable, CustomStringConvertible {
    public let host: String
    public let port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Traffic to it never leaves the machine, so cleartext there is not an exposure.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || (IPv4Address(host)?.isLoopback ?? false)
    }

    /// A name to send as TLS SNI and check the certificate against; nil for an address literal.
    var serverName: String? {
        IPv4Address(host) == nil && !host.contains(":") ? host : nil
    }
}
