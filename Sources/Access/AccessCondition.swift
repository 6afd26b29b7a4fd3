import Foundation

/// A condition on the context of an access that a policy rule sets on a role: the role allows
/// its actions only when every condition of the rule holds.
public enum AccessCondition: Sendable, Hashable, CustomStringConvertible {
    /// The peer's address is in one of these networks.
    case networks([NetworkRange])
    /// The request came through one of these channels.
    case channels(Set<AccessChannel>)
    /// The principal was authenticated in one of these ways.
    case authentication(Set<AuthenticationStrength>)
    /// The peer presented a TLS client certificate bound to a registered device (`rampart ae
    /// certificate`): a device this site issued or bound, not merely one a trusted CA signed.
    case knownDevice
    /// Between two times of day, on the policy's clock; `from` after `until` spans midnight.
    case hours(TimeOfDay, TimeOfDay)
    /// On these days of the week, on the policy's clock.
    case weekdays(Set<Weekday>)
    /// The principal declared one of these purposes of use (a token's `purpose_of_use` claim).
    case purposes(Set<String>)

    public var description: String {
        switch self {
        case let .networks(ranges): "from \(ranges.map(\.description).joined(separator: " or "))"
        case let .channels(channels): "through \(channels.map(\.rawValue).sorted().joined(separator: " or "))"
        case let .authentication(ways): "authenticated by \(Self.either(ways))"
        case .knownDevice: "from a registered device's certificate"
        case let .hours(from, until): "between \(from) and \(until)"
        case let .weekdays(days): "on \(Weekday.allCases.filter(days.contains).map(\.rawValue).joined(separator: ", "))"
        case let .purposes(purposes): "for purpose \(purposes.sorted().joined(separator: " or "))"
        }
    }

    /// "password or token": the ways, weakest first.
    private static func either(_ ways: Set<AuthenticationStrength>) -> String {
        ways.sorted().map(\.description).joined(separator: " or ")
    }

    /// Why the condition does not hold, or nil when it does.
    func unmet(by context: AccessContext, at moment: PolicyClock.Moment, registry: AERegistry) -> String? {
        switch self {
        case let .networks(ranges):
            let host = Gate.host(of: context.peerAddress)
            return ranges.contains { $0.contains(host) } ? nil : "\(host) is not in \(ranges.map(\.description).joined(separator: " or "))"
        case let .channels(channels):
            return channels.contains(context.channel) ? nil : "it came through \(context.channel.rawValue), not \(channels.map(\.rawValue).sorted().joined(separator: " or "))"
        case let .authentication(ways):
            return ways.contains(context.authentication) ? nil : "authenticated by \(context.authentication), not \(Self.either(ways))"
        case .knownDevice:
            guard let fingerprint = context.certificateFingerprint else { return "no client certificate was presented" }
            return registry.knowsDevice(certificateSHA256: fingerprint) ? nil : "the client certificate is not bound to a registered device"
        case let .hours(from, until):
            let now = moment.timeOfDay
            let inside = from <= until ? (from <= now && now < until) : (now >= from || now < until)
            return inside ? nil : "it is \(now), not \(self)"
        case let .weekdays(days):
            return days.contains(moment.weekday) ? nil : "it is \(moment.weekday.rawValue), not \(self)"
        case let .purposes(purposes):
            guard let declared = context.purposeOfUse else { return "no purpose of use was declared, and the rule needs \(purposes.sorted().joined(separator: " or "))" }
            return purposes.contains(declared) ? nil : "purpose \(declared) is not \(purposes.sorted().joined(separator: " or "))"
        }
    }
}

/// A time of day, to the minute ("07:30").
public struct TimeOfDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let minutes: Int

    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let hours = Int(parts[0]), let minutes = Int(parts[1]),
              (0...24).contains(hours), (0..<60).contains(minutes), hours * 60 + minutes <= 24 * 60 else { return nil }
        self.minutes = hours * 60 + minutes
    }

    init(minutes: Int) { self.minutes = minutes }

    public var description: String { String(format: "%02d:%02d", minutes / 60, minutes % 60) }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.minutes < rhs.minutes }
}

public enum Weekday: String, Sendable, Hashable, CaseIterable {
    case mon, tue, wed, thu, fri, sat, sun
}

/// The clock the time conditions of a policy read (a test sets its own).
public struct PolicyClock: Sendable {
    private let now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    /// One reading of the clock, in the policy's time zone.
    public struct Moment: Sendable, CustomStringConvertible {
        public let date: Date
        public let timeOfDay: TimeOfDay
        public let weekday: Weekday
        public let timeZone: TimeZone

        public var description: String { "\(weekday.rawValue) \(timeOfDay) \(timeZone.identifier)" }
    }

    /// The time now, or at `date`, in the policy's time zone.
    public func moment(at date: Date? = nil, in timeZone: TimeZone) -> Moment {
        let date = date ?? now()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute, .weekday], from: date)
        // Calendar numbers Sunday 1 ... Saturday 7.
        let weekdays: [Weekday] = [.sun, .mon, .tue, .wed, .thu, .fri, .sat]
        return Moment(date: date, timeOfDay: TimeOfDay(minutes: (parts.hour ?? 0) * 60 + (parts.minute ?? 0)),
                      weekday: weekdays[((parts.weekday ?? 1) - 1) % 7], timeZone: timeZone)
    }
}
