/// Why a target given to `rampart scan` is refused before any packet is sent.
public enum ScanTargetError: Error, Sendable, Hashable, CustomStringConvertible {
    case empty
    case malformed(String)
    case invalidPort(String)
    case invalidPrefix(String)
    /// A range names more than one address: scanning it needs `--i-own-this-network`.
    case rangeNeedsOwnership(String)
    case rangeTooLarge(String, addresses: Int, limit: Int)
    case portWithRange(String)
    case invalidPortList(String)

    public var description: String {
        switch self {
        case .empty:
            "an empty target: give a host, host:port or an IPv4 range such as 192.0.2.0/28"
        case let .malformed(text):
            "'\(text)' is not a host name, an IP address, host:port or an IPv4 CIDR range"
        case let .invalidPort(text):
            "'\(text)': the port must be a number from 1 to 65535"
        case let .invalidPrefix(text):
            "'\(text)': the prefix length of an IPv4 range is a number from 0 to 32"
        case let .rangeNeedsOwnership(text):
            "'\(text)' is a range of addresses: scan only networks you are responsible for, and say so with --i-own-this-network"
        case let .rangeTooLarge(text, addresses, limit):
            "'\(text)' holds \(addresses) addresses; a scan takes at most \(limit) per range (a /22): split it into smaller ranges"
        case let .portWithRange(text):
            "'\(text)': a range takes no port; give the ports with --ports"
        case let .invalidPortList(text):
            "--ports '\(text)': give ports (1-65535) or ranges of them separated by commas, e.g. 104,11112,8000-8010"
        }
    }
}
