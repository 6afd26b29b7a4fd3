import Testing
@testable import Scanner

struct ScanTargetTests {
    @Test func hostAloneUsesTheScanPorts() throws {
        let target = try ScanTarget(parsing: "pacs.example.org", rangesAllowed: false)
        #expect(target.hosts == ["pacs.example.org"])
        #expect(target.port == nil)
    }

    @Test func hostAndPort() throws {
        let target = try ScanTarget(parsing: "127.0.0.1:11112", rangesAllowed: false)
        #expect(target.hosts == ["127.0.0.1"])
        #expect(target.port == 11112)
        let v6 = try ScanTarget(parsing: "[::1]:4242", rangesAllowed: false)
        #expect(v6.hosts == ["::1"])
        #expect(v6.port == 4242)
    }

    @Test func loopbackRangeYieldsExactlyItsAddresses() throws {
        let target = try ScanTarget(parsing: "127.0.0.0/24", rangesAllowed: true)
        #expect(target.hosts.count == 256)
        #expect(target.hosts.first == "127.0.0.0")
        #expect(target.hosts.last == "127.0.0.255")
        #expect(target.hosts.allSatisfy { $0.hasPrefix("127.0.0.") })
        #expect(Set(target.hosts).count == 256)
    }

    @Test func rangeStartsAtItsNetworkAddress() throws {
        let target = try ScanTarget(parsing: "127.0.0.77/30", rangesAllowed: true)
        #expect(target.hosts == ["127.0.0.76", "127.0.0.77", "127.0.0.78", "127.0.0.79"])
    }

    @Test func aSingleAddressPrefixNeedsNoFlag() throws {
        let target = try ScanTarget(parsing: "127.0.0.9/32", rangesAllowed: false)
        #expect(target.hosts == ["127.0.0.9"])
    }

    @Test func rangeWithoutOwnershipIsRefused() {
        #expect(throws: ScanTargetError.rangeNeedsOwnership("127.0.0.0/24")) {
            try ScanTarget(parsing: "127.0.0.0/24", rangesAllowed: false)
        }
    }

    @Test func oversizeRangeIsRefusedEvenWithOwnership() {
        #expect(throws: ScanTargetError.rangeTooLarge("127.0.0.0/21", addresses: 2048, limit: 1024)) {
            try ScanTarget(parsing: "127.0.0.0/21", rangesAllowed: true)
        }
        #expect(throws: ScanTargetError.rangeTooLarge("127.0.0.0/8", addresses: 1 << 24, limit: 1024)) {
            try ScanTarget(parsing: "127.0.0.0/8", rangesAllowed: true)
        }
        #expect(throws: ScanTargetError.rangeTooLarge("0.0.0.0/0", addresses: 1 << 32, limit: 1024)) {
            try ScanTarget(parsing: "0.0.0.0/0", rangesAllowed: true)
        }
    }

    @Test func theCapIsASlash22() throws {
        #expect(try ScanTarget(parsing: "127.0.0.0/22", rangesAllowed: true).hosts.count == 1024)
        #expect(String(describing: ScanTargetError.rangeTooLarge("x", addresses: 2048, limit: 1024)).contains("/22"))
    }

    @Test func malformedTargetsAreRefused() {
        for text in ["", "   ", "http://pacs", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:port", "256.0.0.1", "127.0.0.01",
                     "127.0.0.0/33", "127.0.0.0/", "127.0.0.0/-1", "127.0.0.1:104/24", "pacs_1", "-pacs", "1.2.3", "a b"] {
            #expect(throws: ScanTargetError.self, "\(text)") { try ScanTarget(parsing: text, rangesAllowed: true) }
        }
    }

    @Test func portLists() throws {
        #expect(try ScanTarget.ports(parsing: "104,11112,8000-8002,104") == [104, 11112, 8000, 8001, 8002])
        for text in ["", "0", "65536", "9-8", "a", "104,,105", "1-2-3"] {
            #expect(throws: ScanTargetError.invalidPortList(text)) { try ScanTarget.ports(parsing: text) }
        }
    }

    @Test func scannerProbesOnlyTheEndpointsTheTargetsName() throws {
        var options = ScanOptions()
        options.ports = [104, 8042]
        let targets = [try ScanTarget(parsing: "127.0.0.0/31", rangesAllowed: true), try ScanTarget(parsing: "127.0.0.1:4242", rangesAllowed: false),
                       try ScanTarget(parsing: "127.0.0.1", rangesAllowed: false)]
        let endpoints = ExposureScanner(options: options).endpoints(targets).map(\.description)
        #expect(endpoints == ["127.0.0.0:104", "127.0.0.0:8042", "127.0.0.1:104", "127.0.0.1:8042", "127.0.0.1:4242"])
    }
}
