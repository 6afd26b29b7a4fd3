import Access
import Testing

@Suite("NetworkRange")
struct NetworkRangeTests {
    @Test(arguments: [
        ("10.20.0.0/16", "10.20.255.1", true), ("10.20.0.0/16", "10.21.0.1", false),
        ("10.20.7.9/16", "10.20.0.1", true),  // host bits are cleared
        ("192.168.1.128/25", "192.168.1.200", true), ("192.168.1.128/25", "192.168.1.100", false),
        ("127.0.0.1", "127.0.0.1", true), ("127.0.0.1", "127.0.0.2", false),
        ("0.0.0.0/0", "203.0.113.9", true),
        ("fd00::/8", "fd12:3456::1", true), ("fd00::/8", "fe80::1", false),
        ("::1", "::1", true),
        ("10.0.0.0/8", "::ffff:10.1.2.3", true),  // an IPv4-mapped peer is its IPv4 address
        ("10.0.0.0/8", "fd00::1", false), ("fd00::/8", "10.0.0.1", false),
        ("10.0.0.0/8", "not-an-address", false),
    ])
    func containsExactlyTheAddressesOfItsPrefix(network: String, address: String, inside: Bool) throws {
        let range = try #require(NetworkRange(network))
        #expect(range.contains(address) == inside)
    }

    @Test(arguments: ["10.0.0.0/33", "fd00::/129", "10.0.0/8", "10.0.0.0/", "10.0.0.0/x", "host.example", "", "10.0.0.0/-1"])
    func refusesWhatIsNotANetwork(text: String) {
        #expect(NetworkRange(text) == nil)
    }

    @Test func describesItselfInCanonicalForm() {
        #expect(NetworkRange("10.20.7.9/16")?.description == "10.20.0.0/16")
        #expect(NetworkRange("FD00:0::1/8")?.description == "fd00::/8")
    }
}
