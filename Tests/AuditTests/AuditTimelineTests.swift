import Foundation
import Testing
@testable import Audit

/// The audit explorer's timeline: the store counts events per hour or day and outcome, every
/// bucket of the period present, and refuses periods it cannot draw.
@Suite struct AuditTimelineTests {
    /// 2026-11-24T00:00:00Z.
    private let midnight = Date(timeIntervalSince1970: 1_795_478_400)

    private func event(at time: Date, _ outcome: AuditOutcome) -> AuditEvent {
        AuditEvent(time: time, kind: .query, outcome: outcome, actor: AuditActor(kind: "user", name: "alice"), channel: "ui",
                   source: AuditSource(address: "10.0.0.7:4000", ip: [10, 0, 0, 7]), action: "query", subjects: [], reason: "test")
    }

    private func store() throws -> AuditStore {
        let folder = NSTemporaryDirectory() + "audit-timeline-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return try AuditStore(path: folder + "/audit.sqlite", signingKey: AuditSigningKey())
    }

    @Test func eventsAreCountedPerHourByOutcome() throws {
        let store = try store()
        let hour: TimeInterval = 3600
        _ = try store.append([event(at: midnight.addingTimeInterval(60), .success), event(at: midnight.addingTimeInterval(120), .minorFailure),
                          event(at: midnight.addingTimeInterval(2 * hour + 5), .success), event(at: midnight.addingTimeInterval(2 * hour + 6), .seriousFailure),
                          event(at: midnight.addingTimeInterval(4 * hour), .success)])
        let timeline = try store.timeline(AuditTimeline.Period(from: midnight.addingTimeInterval(30), to: midnight.addingTimeInterval(4 * hour),
                                                               bucket: .hour))
        #expect(timeline.from == midnight && timeline.counts.map(\.start) == (0..<4).map { midnight.addingTimeInterval(Double($0) * hour) })
        #expect(timeline.counts.map(\.success) == [1, 0, 1, 0])
        #expect(timeline.counts.map(\.denied) == [1, 0, 0, 0])
        #expect(timeline.counts.map(\.failed) == [0, 0, 1, 0])
        let byDay = try store.timeline(AuditTimeline.Period(from: midnight, to: midnight.addingTimeInterval(86_400), bucket: .day))
        #expect(byDay.counts == [AuditTimeline.Count(start: midnight, success: 3, denied: 1, failed: 1)])
    }

    @Test func aPeriodThatCannotBeDrawnIsRefused() {
        #expect(throws: AuditTimelineError.emptyPeriod) { try AuditTimeline.Period(from: midnight, to: midnight, bucket: .hour) }
        #expect(throws: AuditTimelineError.tooManyBuckets(.hour)) {
            try AuditTimeline.Period(from: midnight, to: midnight.addingTimeInterval(365 * 86_400), bucket: .hour)
        }
        #expect(throws: Never.self) { try AuditTimeline.Period(from: midnight, to: midnight.addingTimeInterval(365 * 86_400), bucket: .day) }
    }

    @Test func timesAreWrittenAsTheLogWritesThem() throws {
        let count = AuditTimeline.Count(start: midnight, success: 2)
        let json = String(decoding: try JSONEncoder().encode(count), as: UTF8.self)
        #expect(json.contains(#""start":"2026-11-24T00:00:00.000000Z""#) && json.contains(#""success":2"#))
    }
}
