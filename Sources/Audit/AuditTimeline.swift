import Foundation

/// How many events the log holds per hour or per day of a period, by outcome: what the audit
/// explorer's timeline draws. Counted by the store from its time index, not by reading events.
public struct AuditTimeline: Sendable, Hashable, Encodable {
    public enum Bucket: String, Sendable, Hashable, Codable, CaseIterable {
        case hour, day

        var microseconds: Int64 {
            switch self {
            case .hour: 3_600_000_000
            case .day: 86_400_000_000
            }
        }
    }

    /// The events of one bucket, by outcome (`AuditOutcome`'s names; a major failure counts as failed).
    public struct Count: Sendable, Hashable, Encodable {
        public let start: Date
        public var success = 0
        public var denied = 0
        public var failed = 0

        public init(start: Date, success: Int = 0, denied: Int = 0, failed: Int = 0) {
            self.start = start
            self.success = success
            self.denied = denied
            self.failed = failed
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(AuditTime.text(start), forKey: .start)
            try container.encode(success, forKey: .success)
            try container.encode(denied, forKey: .denied)
            try container.encode(failed, forKey: .failed)
        }

        private enum CodingKeys: String, CodingKey { case start, success, denied, failed }
    }

    public let bucket: Bucket
    /// The first bucket's start (`from` rounded down to the bucket, in UTC).
    public let from: Date
    /// Exclusive.
    public let to: Date
    /// Every bucket from `from` to `to`, those without events too.
    public let counts: [Count]

    /// The most buckets one timeline holds: a year by day, six weeks by hour.
    public static let maximumBuckets = 1_000

    /// A period to count, checked to make at most `maximumBuckets` buckets.
    public struct Period: Sendable, Hashable {
        public let from: Date
        /// Exclusive.
        public let to: Date
        public let bucket: Bucket
        /// The buckets' numbers since 1970 (in UTC).
        let slots: ClosedRange<Int64>

        public init(from: Date, to: Date, bucket: Bucket) throws(AuditTimelineError) {
            guard from < to else { throw .emptyPeriod }
            let first = AuditRecord.microseconds(from).floorDivided(by: bucket.microseconds)
            let last = (AuditRecord.microseconds(to) - 1).floorDivided(by: bucket.microseconds)
            guard last - first < Int64(AuditTimeline.maximumBuckets) else { throw .tooManyBuckets(bucket) }
            self.from = from
            self.to = to
            self.bucket = bucket
            slots = first...last
        }
    }

    init(_ period: Period, rows: [(slot: Int64, outcome: Int, count: Int)]) {
        let (bucket, slots) = (period.bucket, period.slots)
        var counts = slots.map { Count(start: Date(timeIntervalSince1970: Double($0 * bucket.microseconds) / 1_000_000)) }
        for row in rows where slots.contains(row.slot) {
            let index = Int(row.slot - slots.lowerBound)
            switch AuditOutcome(rawValue: row.outcome) {
            case .success: counts[index].success += row.count
            case .minorFailure: counts[index].denied += row.count
            case .seriousFailure, .majorFailure, nil: counts[index].failed += row.count
            }
        }
        self.bucket = bucket
        self.from = counts.first?.start ?? period.from
        self.to = period.to
        self.counts = counts
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(bucket, forKey: .bucket)
        try container.encode(AuditTime.text(from), forKey: .from)
        try container.encode(AuditTime.text(to), forKey: .to)
        try container.encode(counts, forKey: .counts)
    }

    private enum CodingKeys: String, CodingKey { case bucket, from, to, counts }
}

/// Why a timeline could not be drawn, and what period to ask for instead.
public enum AuditTimelineError: Error, Sendable, Hashable, CustomStringConvertible {
    case emptyPeriod
    case tooManyBuckets(AuditTimeline.Bucket)

    public var description: String {
        switch self {
        case .emptyPeriod:
            "the period is empty: from must be before to"
        case let .tooManyBuckets(bucket):
            "the period has more \(bucket.rawValue)s than the \(AuditTimeline.maximumBuckets) a timeline draws: "
                + "shorten it\(bucket == .hour ? ", or count by day" : "")"
        }
    }
}
