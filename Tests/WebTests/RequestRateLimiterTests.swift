import NIOCore
import Testing
@testable import Web

@Suite struct RequestRateLimiterTests {
    @Test func aHostGetsABurstOfAMinutesWorthThenItsRate() {
        let limiter = RequestRateLimiter(perMinute: 60)
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000_000)
        for _ in 0..<60 { #expect(limiter.admit(host: "10.0.0.1", now: start) == nil) }
        let wait = limiter.admit(host: "10.0.0.1", now: start)
        #expect(wait == .seconds(1))
        // Another host has its own bucket.
        #expect(limiter.admit(host: "10.0.0.2", now: start) == nil)
        // A second later one more request is admitted, and only one.
        #expect(limiter.admit(host: "10.0.0.1", now: start + .seconds(1)) == nil)
        #expect(limiter.admit(host: "10.0.0.1", now: start + .seconds(1)) != nil)
        // After a quiet minute the whole burst is back.
        for _ in 0..<60 { #expect(limiter.admit(host: "10.0.0.1", now: start + .minutes(2)) == nil) }
    }
}
