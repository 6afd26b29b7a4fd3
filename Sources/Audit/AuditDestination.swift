/// Where a retrieve sends the data when that is not the requestor: a C-MOVE's destination AE at
/// its registered host and port (PS3.15 A.5.3.2, the process receiving the data).
public struct AuditDestination: Sendable, Hashable, Codable {
    public var aeTitle: String
    public var host: String
    public var port: Int

    public init(aeTitle: String, host: String, port: Int) {
        self.aeTitle = aeTitle
        self.host = host
        self.port = port
    }
}
