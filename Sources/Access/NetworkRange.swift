import Foundation

/// An IPv4 or IPv6 network in CIDR notation ("10.20.0.0/16", "fd00::/8", or one address): the
/// source-network condition of a policy rule.
public struct NetworkRange: Sendable, Hashable, CustomStringConvertible {
    /// The network's address bytes (4 or 16), host bits cleared.
    private let network: [UInt8]
    public let prefixLength: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = Self.bytes(of: String(parts[0])) else { return nil }
        let bits = address.count * 8
        if parts.count == 2 {
            guard let length = Int(parts[1]), (0...bits).contains(length), parts[1].allSatisfy(\.isASCII) else { return nil }
            prefixLength = length
        } else {
            prefixLength = bits
        }
        network = Self.masked(address, to: prefixLength)
    }

    public var description: String { "\(Self.text(ofAddress: network) ?? "?")/\(prefixLength)" }

    /// An address's 4 or 16 bytes as text ("10.0.0.7", "fd00::1"); nil for any other length.
    public static func text(ofAddress bytes: [UInt8]) -> String? {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        _ = bytes.withUnsafeBytes { inet_ntop(bytes.count == 4 ? AF_INET : AF_INET6, $0.baseAddress, &text, socklen_t(text.count)) }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `address` (an IP address without port) lies in this network. An IPv4-mapped IPv6
    /// address (::ffff:a.b.c.d) is the IPv4 address it carries.
    public func contains(_ address: String) -> Bool {
        guard var bytes = Self.bytes(of: address) else { return false }
        if bytes.count == 16, network.count == 4, bytes.prefix(12) == Self.ipv4MappedPrefix[...] {
            bytes = Array(bytes.suffix(4))
        }
        guard bytes.count == network.count else { return false }
        return Self.masked(bytes, to: prefixLength) == network
    }

    /// The lowest address of the network (4 or 16 bytes).
    public var lowest: [UInt8] { network }

    /// The highest address of the network: every host bit set.
    public var highest: [UInt8] {
        network.enumerated().map { index, byte in
            let keep = max(0, min(8, prefixLength - index * 8))
            return keep == 8 ? byte : byte | (UInt8(0xFF) >> keep)
        }
    }

    private static let ipv4MappedPrefix: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]

    private static func bytes(of address: String) -> [UInt8]? {
        LocalCertificateAuthority.addressBytes(address)
    }

    private static func masked(_ bytes: [UInt8], to length: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let keep = max(0, min(8, length - index * 8))
            return keep == 8 ? byte : byte & ~(UInt8(0xFF) >> keep)
        }
    }
}
