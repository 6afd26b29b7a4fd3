/// What a TCP connect found on an endpoint.
public enum PortState: String, Sendable, Hashable, Encodable {
    case open
    /// Refused: nothing listens.
    case closed
    /// No answer before the connect timeout: dropped by a firewall, or no such host.
    case filtered
}
