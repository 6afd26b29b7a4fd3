/// Moves dates by whole days, for the Retain Longitudinal Temporal Information Modified Dates
/// option (PS3.15 E.3.6): intervals between a patient's dates survive, the dates do not. Whole
/// days leave times of day (TM, and the time in a DT) as they were.
struct DateShift: Sendable {
    let days: Int

    /// A DA value "YYYYMMDD" moved; nil when it is not a full calendar date.
    func shifted(date text: Substring) -> String? {
        guard text.count == 8, text.allSatisfy(\.isASCII), let number = Int(text) else { return nil }
        let (year, month, day) = (number / 10000, number / 100 % 100, number % 100)
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        let (newYear, newMonth, newDay) = Self.civil(fromDays: Self.days(year: year, month: month, day: day) + days)
        guard (0...9999).contains(newYear) else { return nil }
        return Self.digits(newYear, 4) + Self.digits(newMonth, 2) + Self.digits(newDay, 2)
    }

    /// A DT value "YYYYMMDD[HHMMSS[.F]][&ZZXX]" with its date moved; nil without a full date.
    func shifted(dateTime text: Substring) -> String? {
        guard text.count >= 8, let date = shifted(date: text.prefix(8)) else { return nil }
        return date + text.dropFirst(8)
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant, "chrono-compatible
    /// low-level date algorithms").
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146097 + dayOfEra - 719468
    }

    static func civil(fromDays count: Int) -> (year: Int, month: Int, day: Int) {
        let z = count + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let dayOfEra = z - era * 146097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func digits(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
