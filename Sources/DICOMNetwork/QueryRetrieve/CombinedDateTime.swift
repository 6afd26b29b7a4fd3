import DICOM

/// Combined date-time matching (PS3.4 C.2.2.2.5.4, Extended Negotiation): a DA key and its TM
/// partner that give the same form of range are one DT range of their concatenated bounds,
/// matched against the entity's date and time concatenated.
///
/// "20060705-20060707" with "1000-1800" is 2006-07-05 10:00 to 2006-07-07 18:00, where the
/// separate matching would ask for 10:00 to 18:00 on each day.
struct CombinedDateTime: Sendable {
    /// The DA/TM pairs of the Query/Retrieve key tables and the modules behind them.
    static let pairs: [(date: Tag, time: Tag)] = [
        (QueryTag.studyDate, QueryTag.studyTime),
        (QueryTag.seriesDate, QueryTag.seriesTime),
        (QueryTag.acquisitionDate, QueryTag.acquisitionTime),
        (QueryTag.contentDate, QueryTag.contentTime),
        (QueryTag.patientBirthDate, QueryTag.patientBirthTime),
        (QueryTag.performedProcedureStepStartDate, QueryTag.performedProcedureStepStartTime),
    ]

    let date: Tag
    let time: Tag
    let range: TemporalRange
    let unknownMatches: Bool

    /// Nil unless both keys hold one range of the same form: otherwise each is matched alone.
    init?(date dateKey: DataElement, time timeKey: DataElement, characterSet: SpecificCharacterSet,
          unknownMatches: Bool, queryOffset: Int?) {
        guard let dates = ElementText.values(of: dateKey, vr: .DA, characterSet: characterSet), dates.count == 1,
              let times = ElementText.values(of: timeKey, vr: .TM, characterSet: characterSet), times.count == 1,
              let dateRange = TemporalRange.parse(dates[0], vr: .DA), let timeRange = TemporalRange.parse(times[0], vr: .TM),
              dateRange.form == timeRange.form, dateRange.form != .single
        else { return nil }
        let bounds = Self.bounds(dates[0]).map(Self.compactDate)
        let timeBounds = Self.bounds(times[0]).map(Self.compactTime)
        func join(_ index: Int) -> String? {
            bounds[index].isEmpty ? nil : bounds[index] + timeBounds[index]
        }
        let lower = join(0).map { TemporalValue.dateTime(Substring($0)) }
        let upper = join(1).map { TemporalValue.dateTime(Substring($0)) }
        if lower == .some(nil) || upper == .some(nil) { return nil }
        self.date = dateKey.tag
        self.time = timeKey.tag
        self.range = TemporalRange(lower: lower.flatMap { $0 }, upper: upper.flatMap { $0 }, form: dateRange.form)
            .assumingOffset(queryOffset)
        self.unknownMatches = unknownMatches
    }

    func matches(_ record: DataSet, characterSet: SpecificCharacterSet) -> Bool {
        guard let dateElement = record[date],
              let dateValue = ElementText.values(of: dateElement, vr: .DA, characterSet: characterSet)?.first, !dateValue.isEmpty
        else { return unknownMatches }
        let timeValue = record[time].flatMap { ElementText.values(of: $0, vr: .TM, characterSet: characterSet)?.first } ?? ""
        guard let value = TemporalValue.dateTime(Substring(Self.compactDate(dateValue) + Self.compactTime(timeValue))) else { return false }
        return range.contains(value.assumingOffset(RecordMatcher.utcOffset(of: record)))
    }

    /// The two sides of "a-b", "-b" or "a-", trimmed.
    private static func bounds(_ text: String) -> [String] {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { String($0.filter { $0 != " " }) }
        return parts.count == 2 ? parts : [text, text]
    }

    private static func compactDate(_ text: String) -> String { text.filter { $0 != "." } }
    private static func compactTime(_ text: String) -> String { text.filter { $0 != ":" } }
}
