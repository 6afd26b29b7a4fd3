/// The collector (central audit repository) an exporter sends to.
public struct SyslogCollector: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var transport: SyslogTransport
    /// 10 (authpriv, security and authorization) or 13 (log audit), as IHE ATNA allows.
    public var facility: Int

    public init(host: String, port: Int, transport: SyslogTransport, facility: Int = 10) {
        self.host = host
        self.port = port
        self.transport = transport
        self.facility = facility
    }

    /// `tls://host:port`, as logs and start-up output name it.
    public var description: String {
        let address = host.contains(":") ? "[\(host)]" : host
        return "\(transport.name)://\(address):\(port)"
    }
}
