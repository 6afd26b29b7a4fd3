import Foundation
import Testing
import Audit

/// A repeated alert becomes at most one record per key and window, carrying the count since the
/// previous one; nothing counted is lost, and idle keys are forgotten.
@Suite struct AlertCoalescerTests {
    private static let start = Date(timeIntervalSince1970: 1_800_000_000)
    private static func at(_ seconds: TimeInterval) -> Date { start.addingTimeInterval(seconds) }

    @Test func theFirstIsRecordedAtOnceAndTheRestOfTheMinuteCounted() {
        var coalescer = AlertCoalescer<Int>(window: 60)
        let first = coalescer.occurred("h1 limit", 1, at: Self.at(0))
        #expect(first?.count == 1 && first?.since == nil)
        for second in 1..<60 { #expect(coalescer.occurred("h1 limit", second, at: Self.at(Double(second))) == nil) }
        // A minute after the record: one record for the 59 counted and this one.
        let next = coalescer.occurred("h1 limit", 60, at: Self.at(60))
        #expect(next?.count == 60 && next?.since == Self.at(0) && next?.alert == 60)
        #expect(coalescer.occurred("h1 limit", 61, at: Self.at(61)) == nil)
    }

    @Test func eachKeyHasItsOwnMinute() {
        var coalescer = AlertCoalescer<String>(window: 60)
        #expect(coalescer.occurred("h1 max_associations_per_host", "a", at: Self.at(0))?.count == 1)
        #expect(coalescer.occurred("h2 max_associations_per_host", "b", at: Self.at(1))?.count == 1)
        #expect(coalescer.occurred("h1 associations_per_minute_per_host", "c", at: Self.at(2))?.count == 1)
        #expect(coalescer.occurred("h1 max_associations_per_host", "d", at: Self.at(3)) == nil)
    }

    @Test func aCountWhoseMinuteHasPassedIsDueAndNoneBefore() {
        var coalescer = AlertCoalescer<Int>(window: 60)
        _ = coalescer.occurred("k", 0, at: Self.at(0))
        for n in 1...5 { _ = coalescer.occurred("k", n, at: Self.at(Double(n))) }
        #expect(coalescer.due(at: Self.at(59)).isEmpty)
        let due = coalescer.due(at: Self.at(75))
        #expect(due.map(\.count) == [5] && due.first?.since == Self.at(0) && due.first?.alert == 5)
        // That record starts a new minute: the next occurrence is counted, not recorded.
        #expect(coalescer.occurred("k", 6, at: Self.at(80)) == nil)
        #expect(coalescer.due(at: Self.at(100)).isEmpty)
        #expect(coalescer.due(at: Self.at(135)).map(\.count) == [1])
    }

    @Test func atShutdownEveryCountIsDueWhateverItsMinute() {
        var coalescer = AlertCoalescer<Int>(window: 60)
        _ = coalescer.occurred("a", 0, at: Self.at(0))
        _ = coalescer.occurred("a", 1, at: Self.at(1))
        _ = coalescer.occurred("a", 2, at: Self.at(2))
        _ = coalescer.occurred("b", 0, at: Self.at(3))
        let pending = coalescer.due(at: Self.at(4), all: true)
        #expect(pending.map(\.key) == ["a"] && pending.map(\.count) == [2])
        #expect(coalescer.due(at: Self.at(5), all: true).isEmpty)
    }

    @Test func idleKeysAreForgotten() {
        var coalescer = AlertCoalescer<Int>(window: 60)
        for host in 0..<1000 { _ = coalescer.occurred("host-\(host)", host, at: Self.at(0)) }
        #expect(coalescer.trackedKeys == 1000)
        #expect(coalescer.due(at: Self.at(60)).isEmpty)
        #expect(coalescer.trackedKeys == 0)
    }
}
