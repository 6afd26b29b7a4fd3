import DICOM

/// A DA, TM or DT key: a single value, or a range "<v1>-<v2>", "-<v1>" or "<v1>-" (PS3.4
/// C.2.2.2.5.1-3). A single value matches every entity value inside the span it names
/// (C.2.2.2.1 b); a range, every value from the start of its lower bound to the end of its upper
/// bound, inclusive.
struct TemporalRange: Sendable, Hashable {
    enum Form: Sendable, Hashable {
        case single, closed, endingAt, startingAt
    }

    let lower: TemporalValue?
    let upper: TemporalValue?
    let form: Form

    /// Reads a key value; nil when it is neither a value of `vr` nor a range of them.
    ///
    /// A DT may itself hold "-", in a negative UTC offset, so "20200101-0500" could be a value
    /// or a range up to the year 500. Every split at a "-" is tried: a split whose parts are
    /// values and whose bounds are in order (the standard requires <v1> ≤ <v2>) is a range;
    /// failing that the whole text must be one value. "20200101-0500" is therefore 1 January
    /// 2020 at UTC-05:00, since a range ending in the year 500 would run backwards.
    static func parse(_ text: String, vr: VR) -> TemporalRange? {
        let text = Substring(text)
        let dashes = text.indices.filter { text[$0] == "-" }
        // DA and TM have no "-" of their own: only one split is possible.
        if vr != .DT, dashes.count > 1 { return nil }
        for dash in dashes {
            let left = text[..<dash].trimmingSpaces
            let right = text[text.index(after: dash)...].trimmingSpaces
            if left.isEmpty && right.isEmpty { return nil }
            let lower = left.isEmpty ? nil : TemporalValue.parse(left, vr: vr)
            let upper = right.isEmpty ? nil : TemporalValue.parse(right, vr: vr)
            if !left.isEmpty && lower == nil || !right.isEmpty && upper == nil { continue }
            if let lower, let upper, !Self.ordered(lower, upper) { continue }
            let form: Form = lower == nil ? .endingAt : upper == nil ? .startingAt : .closed
            return TemporalRange(lower: lower, upper: upper, form: form)
        }
        guard vr == .DT || dashes.isEmpty, let value = TemporalValue.parse(text.trimmingSpaces, vr: vr) else { return nil }
        return TemporalRange(lower: value, upper: value, form: .single)
    }

    init(lower: TemporalValue?, upper: TemporalValue?, form: Form) {
        self.lower = lower
        self.upper = upper
        self.form = form
    }

    /// True when `value` (an entity's value) starts inside the range. When both sides of a
    /// comparison know their UTC offset the instants are compared (C.2.2.2.5.3 d); otherwise
    /// the local times are, as no offset can be assumed for the other.
    func contains(_ value: TemporalValue) -> Bool {
        if let lower, Self.compare(value.lower, value.utcOffset, lower.lower, lower.utcOffset) < 0 { return false }
        if let upper, Self.compare(value.lower, value.utcOffset, upper.upper, upper.utcOffset) > 0 { return false }
        return true
    }

    /// The range with `offset` assumed for bounds that gave none (Timezone Offset From UTC
    /// (0008,0201) of the identifier, PS3.4 C.4.1.1.3.1).
    func assumingOffset(_ offset: Int?) -> TemporalRange {
        TemporalRange(lower: lower?.assumingOffset(offset), upper: upper?.assumingOffset(offset), form: form)
    }

    private static func ordered(_ lower: TemporalValue, _ upper: TemporalValue) -> Bool {
        compare(lower.lower, lower.utcOffset, upper.upper, upper.utcOffset) <= 0
    }

    /// Compares two instants, each in the local time of its own offset.
    private static func compare(_ x: Int64, _ xOffset: Int?, _ y: Int64, _ yOffset: Int?) -> Int {
        var x = x, y = y
        if let xOffset, let yOffset {
            x -= Int64(xOffset) * 60_000_000
            y -= Int64(yOffset) * 60_000_000
        }
        return x < y ? -1 : x > y ? 1 : 0
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var result = self
        while result.first == " " { result = result.dropFirst() }
        while result.last == " " { result = result.dropLast() }
        return result
    }
}
