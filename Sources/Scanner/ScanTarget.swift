/// One target of a scan as the operator wrote it: a host, host:port, or an IPv4 range in CIDR
/// notation. This is where the scanner's guard lives: the addresses a target yields are exactly
/// the ones it names, a range is refused unless the operator says they own the network, and a
/// range is capped so that a typo (/8 for /28) cannot become a scan of millions of hosts.
public struct ScanTarget: Sendable, Hashable, CustomStringConvertible {
    /// The largest range one target may name: a /22.
    public static let maximumRangeAddresses = 1024

    /// The hosts to probe: one name or address, or every address of the range in order.
    public let hosts: [String]
    /// The one port the target names (host:port); nil means the scan's port list.
    public let port: Int?
    /// The target as given, for reports.
    public let description: String

    /// Parses `text`. `rangesAllowed` is the operator's `--i-own-this-network`.
    public init(parsing text: String, rangesAllowed: Bool) throws(ScanTargetError) {
        let text = text.trimmingSpaces
        guard !text.isEmpty else { throw .empty }
        description = text
        if let slash = text.firstIndex(of: "/") {
            let addressText = String(text[..<slash]), prefixText = String(text[text.index(after: slash)...])
            if addressText.contains(":") { throw .portWithRange(text) }
            guard let address = IPv4Address(addressText) else { throw .malformed(text) }
            guard !prefixText.isEmpty, prefixText.allSatisfy({ $0.isASCII && $0.isNumber }), let prefix = Int(prefixText), prefix <= 32 else {
                throw .invalidPrefix(text)
            }
            let count = 1 << (32 - prefix)
            if count > 1, !rangesAllowed { throw .rangeNeedsOwnership(text) }
            guard count <= Self.maximumRangeAddresses else {
                throw .rangeTooLarge(text, addresses: count, limit: Self.maximumRangeAddresses)
            }
            let mask: UInt32 = prefix == 0 ? 0 : ~UInt32(0) << (32 - prefix)
            let network = address.value & mask
            hosts = (0..<UInt32(count)).map { IPv4Address(value: network + $0).description }
            port = nil
            return
        }
        let (host, portText) = try Self.splitPort(text)
        guard Self.isHostName(host) || IPv4Address(host) != nil || Self.isIPv6Literal(host) else { throw .malformed(text) }
        hosts = [host]
        if let portText {
            guard let port = Self.port(portText) else { throw .invalidPort(text) }
            self.port = port
        } else {
            port = nil
        }
    }

    /// The ports of `--ports`: numbers and ranges (a-b) separated by commas, each once, in order.
    public static func ports(parsing text: String) throws(ScanTargetError) -> [Int] {
        var ports: [Int] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).map { port(String($0)) }
            guard let low = bounds.first ?? nil, let high = bounds.last ?? nil, low <= high else { throw .invalidPortList(text) }
            for port in low...high where !ports.contains(port) { ports.append(port) }
        }
        return ports
    }

    private static func port(_ text: String) -> Int? {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(text), (1...65535).contains(port) else {
            return nil
        }
        return port
    }

    /// "[v6]:port", "[v6]", a bare IPv6 literal, "host:port" or "host".
    private static func splitPort(_ text: String) throws(ScanTargetError) -> (String, String?) {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw .malformed(text) }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if rest.isEmpty { return (host, nil) }
            guard rest.hasPrefix(":") else { throw .malformed(text) }
            return (host, String(rest.dropFirst()))
        }
        let colons = text.filter { $0 == ":" }.count
        if colons > 1 { return (text, nil) }
        if colons == 1, let colon = text.firstIndex(of: ":") {
            return (String(text[..<colon]), String(text[text.index(after: colon)...]))
        }
        return (text, nil)
    }

    /// A DNS name (RFC 1123 labels); an all-numeric dotted name must be a valid IPv4 address instead.
    private static func isHostName(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        if labels.allSatisfy({ $0.allSatisfy(\.isNumber) }) { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    private static func isIPv6Literal(_ text: String) -> Bool {
        text.contains(":") && text.count <= 45 && text.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
    }
}

/// An IPv4 address as a number, so that a range is arithmetic on it.
struct IPv4Address: Sendable, Hashable, CustomStringConvertible {
    let value: UInt32

    init(value: UInt32) { self.value = value }

    /// Dotted decimal only: four numbers 0-255, no leading zeros that could read as octal.
    init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  !(part.count > 1 && part.first == "0"), let byte = UInt32(part), byte <= 255 else { return nil }
            value = value << 8 | byte
        }
        self.value = value
    }

    var description: String {
        "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
    }

    var isLoopback: Bool { value >> 24 == 127 }
}

extension String {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
