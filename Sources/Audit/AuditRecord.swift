import Crypto
import Foundation

/// How an event is stored: its JSON (sorted keys, so one event has one text), the hash that
/// chains it, and the columns derived from it for queries.
enum AuditRecord {
    /// The link before the first record.
    static let genesis = [UInt8](repeating: 0, count: 32)

    static func encode(_ event: AuditEvent) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(AuditTime.text(date))
        }
        return String(decoding: try encoder.encode(event), as: UTF8.self)
    }

    static func decode(_ record: String) throws -> AuditEvent {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = AuditTime.date(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ISO 8601 time: \(text)")
            }
            return date
        }
        return try decoder.decode(AuditEvent.self, from: Data(record.utf8))
    }

    /// SHA-256(previous ‖ sequence as 8 big-endian bytes ‖ record as UTF-8).
    static func chain(previous: [UInt8], sequence: UInt64, record: String) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: previous)
        hasher.update(data: bigEndian(sequence))
        hasher.update(data: Data(record.utf8))
        return Array(hasher.finalize())
    }

    /// What a checkpoint signs: "rampart-audit-checkpoint" ‖ sequence ‖ hash ‖ time.
    static func checkpointMessage(sequence: UInt64, hash: [UInt8], time: Int64) -> [UInt8] {
        Array("rampart-audit-checkpoint".utf8) + bigEndian(sequence) + hash + bigEndian(UInt64(bitPattern: time))
    }

    static func microseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }

    private static func bigEndian(_ value: UInt64) -> [UInt8] { (0..<8).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) } }

    /// The indexed columns of one event.
    struct Columns {
        let time: Int64
        let kind: String
        let outcome: Int
        let actor: String
        let sourceIP: [UInt8]?
        let subjects: Set<Subject>

        struct Subject: Hashable {
            let kind: String
            let id: String
        }

        init(_ event: AuditEvent) {
            time = AuditRecord.microseconds(event.time)
            kind = event.kind.rawValue
            outcome = event.outcome.rawValue
            actor = event.actor.name.isEmpty ? event.actor.kind : event.actor.name
            sourceIP = event.source.ip
            // Query subjects carry a query, not an identifier worth an index entry.
            subjects = Set(event.subjects.filter { $0.kind != .query }.map { Subject(kind: $0.kind.rawValue, id: $0.id) })
        }
    }
}

extension AuditEvent {
    /// The event as the log stores it: JSON with sorted keys, times in UTC with microseconds.
    public func json() throws -> String { try AuditRecord.encode(self) }
}

/// Times as UTC ISO 8601 with microseconds: the records' and the reports' format.
public enum AuditTime {
    public static func text(_ date: Date) -> String {
        let microseconds = AuditRecord.microseconds(date)
        let seconds = microseconds.floorDivided(by: 1_000_000)
        let fraction = microseconds - seconds * 1_000_000
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(fraction))
    }

    /// Reads what `text` writes (to the microsecond), and also plain ISO 8601
    /// (`2026-11-24T10:00:00Z`, or a date alone, meaning its midnight UTC) as the command line
    /// accepts.
    public static func date(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let dot = text.firstIndex(of: "."), text.hasSuffix("Z") {
            let digits = text[text.index(after: dot)..<text.index(before: text.endIndex)]
            guard (1...9).contains(digits.count), digits.allSatisfy(\.isASCII), let fraction = Int(digits),
                  let whole = plain.date(from: String(text[..<dot]) + "Z") else { return nil }
            let microseconds = Int64((Double(fraction) * pow(10, Double(6 - digits.count))).rounded())
            return Date(timeIntervalSince1970: Double(AuditRecord.microseconds(whole) + microseconds) / 1_000_000)
        }
        if let date = plain.date(from: text) { return date }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        return day.date(from: text)
    }
}

extension Int64 {
    /// Division rounding towards minus infinity: a time before 1970 falls in the bucket that starts before it.
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
