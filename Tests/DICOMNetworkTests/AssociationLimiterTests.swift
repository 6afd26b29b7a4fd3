import DICOMNetwork
import NIOCore
import Testing

/// The association limits, with the time given by the test: no clock, no sleep.
@Suite("Association limiter")
struct AssociationLimiterTests {
    private let start = NIODeadline.uptimeNanoseconds(1_000_000_000_000)

    private func limiter(total: Int = 64, perHost: Int = 16, perMinute: Int = 300) -> AssociationLimiter {
        AssociationLimiter(limits: AssociationLimits(maximumAssociations: total, maximumAssociationsPerHost: perHost,
                                                     associationsPerMinutePerHost: perMinute))
    }

    @Test func refusesAThirdOpenAssociationFromAHostLimitedToTwoUntilOneEnds() {
        var limiter = limiter(perHost: 2)
        #expect(limiter.admit(host: "10.0.0.1", now: start) == nil)
        #expect(limiter.admit(host: "10.0.0.1", now: start) == nil)
        #expect(limiter.admit(host: "10.0.0.1", now: start) == .associationsPerHost(limit: 2, host: "10.0.0.1"))
        #expect(limiter.admit(host: "10.0.0.2", now: start) == nil)
        #expect(limiter.open == 3)
        limiter.ended(host: "10.0.0.1")
        #expect(limiter.admit(host: "10.0.0.1", now: start) == nil)
    }

    @Test func refusesBeyondTheServersLimitWhicheverHostAsks() {
        var limiter = limiter(total: 3)
        for host in ["10.0.0.1", "10.0.0.2", "10.0.0.3"] {
            #expect(limiter.admit(host: host, now: start) == nil)
        }
        #expect(limiter.admit(host: "10.0.0.4", now: start) == .associations(limit: 3))
        limiter.ended(host: "10.0.0.2")
        #expect(limiter.admit(host: "10.0.0.4", now: start) == nil)
    }

    @Test func theRateAdmitsABurstThenOneEveryIntervalPerHost() {
        var limiter = limiter(perMinute: 3)
        for _ in 0..<3 {
            #expect(limiter.admit(host: "10.0.0.1", now: start) == nil)
            limiter.ended(host: "10.0.0.1")
        }
        #expect(limiter.admit(host: "10.0.0.1", now: start + .seconds(1)) == .associationsPerMinute(limit: 3, host: "10.0.0.1"))
        #expect(limiter.admit(host: "10.0.0.2", now: start + .seconds(1)) == nil)
        // 3 a minute: the bucket gains one association every 20 seconds.
        #expect(limiter.admit(host: "10.0.0.1", now: start + .seconds(19)) != nil)
        #expect(limiter.admit(host: "10.0.0.1", now: start + .seconds(20)) == nil)
        #expect(limiter.admit(host: "10.0.0.1", now: start + .seconds(20)) != nil)
        // A quiet minute fills the bucket again, and no more than full.
        let later = start + .seconds(200)
        for _ in 0..<3 { #expect(limiter.admit(host: "10.0.0.1", now: later) == nil) }
        #expect(limiter.admit(host: "10.0.0.1", now: later) != nil)
    }

    @Test func aRefusalCountsNothing() {
        var limiter = limiter(perHost: 1, perMinute: 2)
        #expect(limiter.admit(host: "10.0.0.1", now: start) == nil)
        for _ in 0..<5 { #expect(limiter.admit(host: "10.0.0.1", now: start) != nil) }
        #expect(limiter.open == 1)
        limiter.ended(host: "10.0.0.1")
        // The refused attempts took nothing from the bucket: its second association is left.
        #expect(limiter.admit(host: "10.0.0.1", now: start) == nil)
        #expect(limiter.open == 1)
    }

    @Test func anEndWithoutAnAdmissionChangesNothing() {
        var limiter = limiter()
        limiter.ended(host: "10.0.0.1")
        #expect(limiter.open == 0)
        #expect(limiter.admit(host: "10.0.0.1", now: start) == nil)
        #expect(limiter.open == 1)
    }

    @Test func idleHostsAreForgottenSoManyAddressesCannotGrowItsMemory() {
        var limiter = limiter(total: 10_000, perMinute: 60)
        for n in 0..<3000 {
            let host = "10.0.\(n / 256).\(n % 256)"
            #expect(limiter.admit(host: host, now: start) == nil)
            limiter.ended(host: host)
        }
        #expect(limiter.trackedHosts == 3000)  // their buckets are not full yet: all kept
        // A minute later every bucket is full again and nothing is open: the next sweep drops them.
        let later = start + .seconds(61)
        for n in 0..<2048 {
            #expect(limiter.admit(host: "10.9.\(n / 256).\(n % 256)", now: later) == nil)
        }
        #expect(limiter.trackedHosts < 3000)
        #expect(limiter.open == 2048)
    }

    @Test func theRefusalNamesTheHostAndTheSetting() {
        #expect("\(AssociationLimiter.Refusal.associationsPerHost(limit: 2, host: "127.0.0.1"))".contains("127.0.0.1"))
        #expect("\(AssociationLimiter.Refusal.associationsPerMinute(limit: 5, host: "127.0.0.2"))".contains("associations_per_minute_per_host"))
        #expect("\(AssociationLimiter.Refusal.associations(limit: 64))".contains("max_associations"))
        let refusals: [AssociationLimiter.Refusal] = [.associations(limit: 64), .associationsPerHost(limit: 2, host: "h"),
                                                      .associationsPerMinute(limit: 5, host: "h")]
        for refusal in refusals { #expect("\(refusal)".contains("(\(refusal.setting))")) }
    }
}
