/// Where a retrieve sends the data when that is not the requestor: a C-MOVE's destination AE at
/// the host and port the AE registry gives it. The audit record names it (PS3.15 A.5.3.2).
public struct AccessDestination: Sendable, Hashable {
    public var aeTitle: String
    public var host: String
    public var port: Int

    public init(aeTitle: String, host: String, port: Int) {
        self.aeTitle = aeTitle
        self.host = host
        self.port = port
    }
}
