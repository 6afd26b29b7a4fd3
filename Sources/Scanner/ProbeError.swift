/// Why a probe got no answer it could use. The scan records these as "not this protocol" or
/// "no answer", never as a failure of the scan.
enum ProbeError: Error, Sendable, Hashable, CustomStringConvertible {
    case connectFailed(String)
    case timedOut
    case closedEarly
    case notHTTP(String)
    case tlsHandshakeFailed(String)

    var description: String {
        switch self {
        case let .connectFailed(why): "connection failed: \(why)"
        case .timedOut: "no answer in time"
        case .closedEarly: "the peer closed the connection"
        case let .notHTTP(why): "not an HTTP answer: \(why)"
        case let .tlsHandshakeFailed(why): "TLS handshake failed: \(why)"
        }
    }
}
