import Access
import Synchronization
import Testing

@Suite struct LoginThrottleTests {
    /// A clock the test moves by hand.
    final class ManualClock: Sendable {
        private let instant = Mutex(ContinuousClock.now)
        func now() -> ContinuousClock.Instant { instant.withLock { $0 } }
        func advance(_ duration: Duration) { instant.withLock { $0 += duration } }
    }

    private static let policy = LoginThrottle.Policy(maximumFailures: 3, window: .seconds(60), lockout: .seconds(300))

    @Test func aNameIsLockedAfterRepeatedFailuresAndFreedLater() async throws {
        let clock = ManualClock()
        let throttle = LoginThrottle(policy: Self.policy, now: { clock.now() })
        for _ in 0..<2 {
            try await throttle.check(name: "ana", address: "10.0.0.1")
            await throttle.failed(name: "ana", address: "10.0.0.1")
        }
        try await throttle.check(name: "ana", address: "10.0.0.1")
        await throttle.failed(name: "ana", address: "10.0.0.1")
        // Locked now, even from another address, and even with the right password next.
        await #expect(throws: LoginThrottle.Locked.self) { try await throttle.check(name: "ana", address: "10.0.0.2") }
        try await throttle.check(name: "bob", address: "10.0.0.2")
        clock.advance(.seconds(301))
        try await throttle.check(name: "ana", address: "10.0.0.1")
    }

    @Test func failuresOutsideTheWindowDoNotAddUp() async throws {
        let clock = ManualClock()
        let throttle = LoginThrottle(policy: Self.policy, now: { clock.now() })
        for _ in 0..<5 {
            await throttle.failed(name: "ana", address: "10.0.0.1")
            await throttle.failed(name: "ana", address: "10.0.0.1")
            clock.advance(.seconds(61))
            try await throttle.check(name: "ana", address: "10.0.0.1")
        }
    }

    @Test func successClearsTheCount() async throws {
        let throttle = LoginThrottle(policy: Self.policy)
        await throttle.failed(name: "ana", address: "10.0.0.1")
        await throttle.failed(name: "ana", address: "10.0.0.1")
        await throttle.succeeded(name: "ana")
        await throttle.failed(name: "ana", address: "10.0.0.1")
        try await throttle.check(name: "ana", address: "10.0.0.1")
    }

    @Test func anAddressTryingManyNamesIsLocked() async throws {
        let throttle = LoginThrottle(policy: Self.policy)
        for index in 0..<12 {
            await throttle.failed(name: "user\(index)", address: "10.0.0.9")
        }
        await #expect(throws: LoginThrottle.Locked.self) { try await throttle.check(name: "someone-new", address: "10.0.0.9") }
        try await throttle.check(name: "someone-new", address: "10.0.0.10")
    }
}
