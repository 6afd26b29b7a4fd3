import DICOM

/// A DA, TM or DT value read as the span of time it names at its precision (PS3.5 Table 6.2-1):
/// "2020" as DT is all of 2020, "1030" as TM is 10:30:00 to 10:30:59.999999. Range matching
/// compares an entity's value by its first instant against the key's bounds (PS3.4 C.2.2.2.5),
/// as dcm4che does.
struct TemporalValue: Sendable, Hashable {
    /// First microsecond named: from 0000-03-01 (proleptic Gregorian) for DA and DT, from
    /// midnight for TM, in the value's own local time.
    let lower: Int64
    /// Last microsecond named.
    let upper: Int64
    /// Offset from UTC in minutes (&ZZXX of DT, PS3.5 Table 6.2-1), when known.
    let utcOffset: Int?

    static let microsecondsPerDay: Int64 = 86_400_000_000

    /// Reads `text` as a value of `vr` (DA, TM or DT); nil when it is not one.
    static func parse(_ text: Substring, vr: VR) -> TemporalValue? {
        switch vr {
        case .DA: date(text)
        case .TM: time(text)
        case .DT: dateTime(text)
        default: nil
        }
    }

    /// YYYYMMDD; also the ACR-NEMA form YYYY.MM.DD still found in old data (PS3.5 Table 6.2-1 note).
    static func date(_ text: Substring) -> TemporalValue? {
        var digits = text
        if digits.count == 10, Array(digits).enumerated().allSatisfy({ $0.offset == 4 || $0.offset == 7 ? $0.element == "." : true }) {
            digits = Substring(digits.filter { $0 != "." })
        }
        guard digits.count == 8, let numbers = Self.numbers(digits, widths: [4, 2, 2]),
              let day = dayNumber(year: numbers[0], month: numbers[1], day: numbers[2])
        else { return nil }
        let lower = day * microsecondsPerDay
        return TemporalValue(lower: lower, upper: lower + microsecondsPerDay - 1, utcOffset: nil)
    }

    /// HH[MM[SS[.F{1-6}]]]; also HH:MM:SS, the ACR-NEMA form.
    static func time(_ text: Substring) -> TemporalValue? {
        let compact = text.contains(":") ? Substring(text.filter { $0 != ":" }) : text
        guard let (start, span) = timeOfDay(compact) else { return nil }
        return TemporalValue(lower: start, upper: start + span - 1, utcOffset: nil)
    }

    /// YYYY[MM[DD[HH[MM[SS[.F{1-6}]]]]]][&ZZXX].
    static func dateTime(_ text: Substring) -> TemporalValue? {
        var body = text
        var offset: Int?
        if body.count > 5 {
            let suffix = body.suffix(5)
            if let sign = suffix.first, sign == "+" || sign == "-" {
                guard let parts = numbers(suffix.dropFirst(), widths: [2, 2]), parts[0] <= 14, parts[1] < 60 else { return nil }
                offset = (sign == "-" ? -1 : 1) * (parts[0] * 60 + parts[1])
                body = body.dropLast(5)
            }
        }
        let dateDigits = body.prefix(while: \.isNumber).prefix(8)
        guard dateDigits.count == 4 || dateDigits.count == 6 || dateDigits.count == 8,
              let parts = numbers(dateDigits, widths: Array([4, 2, 2].prefix((dateDigits.count - 2) / 2)))
        else { return nil }
        let year = parts[0]
        let month = parts.count > 1 ? parts[1] : 1
        let day = parts.count > 2 ? parts[2] : 1
        guard let dayNumber = dayNumber(year: year, month: month, day: day) else { return nil }
        let rest = body.dropFirst(dateDigits.count)
        let lower: Int64
        let upper: Int64
        if rest.isEmpty {
            lower = dayNumber * microsecondsPerDay
            let next: Int64?
            switch parts.count {
            case 1: next = Self.dayNumber(year: year + 1, month: 1, day: 1)
            case 2: next = month == 12 ? Self.dayNumber(year: year + 1, month: 1, day: 1) : Self.dayNumber(year: year, month: month + 1, day: 1)
            default: next = dayNumber + 1
            }
            guard let next else { return nil }
            upper = next * microsecondsPerDay - 1
        } else {
            // A time needs the whole date before it.
            guard parts.count == 3, let (start, span) = timeOfDay(rest) else { return nil }
            lower = dayNumber * microsecondsPerDay + start
            upper = lower + span - 1
        }
        return TemporalValue(lower: lower, upper: upper, utcOffset: offset)
    }

    /// This value with `offset` as its offset from UTC when it gave none itself.
    func assumingOffset(_ offset: Int?) -> TemporalValue {
        utcOffset == nil ? TemporalValue(lower: lower, upper: upper, utcOffset: offset) : self
    }

    /// The microsecond from midnight and the length of the span named by HH[MM[SS[.F]]].
    private static func timeOfDay(_ text: Substring) -> (Int64, Int64)? {
        let (clock, fraction) = text.firstIndex(of: ".").map { (text[..<$0], text[text.index(after: $0)...]) } ?? (text, nil)
        guard [2, 4, 6].contains(clock.count), let parts = numbers(clock, widths: Array([2, 2, 2].prefix(clock.count / 2))),
              parts[0] < 24, parts.count < 2 || parts[1] < 60, parts.count < 3 || parts[2] <= 60
        else { return nil }
        var start = Int64(parts[0]) * 3_600_000_000
        var span: Int64 = 3_600_000_000
        if parts.count > 1 { start += Int64(parts[1]) * 60_000_000; span = 60_000_000 }
        if parts.count > 2 { start += Int64(parts[2]) * 1_000_000; span = 1_000_000 }
        if let fraction {
            // A fraction only follows seconds; "HHMMSS." with no digits is read as seconds.
            guard parts.count == 3, fraction.count <= 6, fraction.allSatisfy(\.isASCIIDigit) else { return nil }
            if !fraction.isEmpty, let value = Int64(fraction) {
                var scale: Int64 = 1
                for _ in fraction.count..<6 { scale *= 10 }
                start += value * scale
                span = scale
            }
        }
        return (start, span)
    }

    /// Fixed-width decimal fields, or nil when a character is no digit.
    private static func numbers(_ text: Substring, widths: [Int]) -> [Int]? {
        guard text.count == widths.reduce(0, +), text.allSatisfy(\.isASCIIDigit) else { return nil }
        var result: [Int] = []
        var index = text.startIndex
        for width in widths {
            let end = text.index(index, offsetBy: width)
            guard let value = Int(text[index..<end]) else { return nil }
            result.append(value)
            index = end
        }
        return result
    }

    /// Days since 0000-03-01 of a valid Gregorian date (H. Hinnant's days_from_civil, shifted).
    static func dayNumber(year: Int, month: Int, day: Int) -> Int64? {
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month) else { return nil }
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra
    }

    private static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
