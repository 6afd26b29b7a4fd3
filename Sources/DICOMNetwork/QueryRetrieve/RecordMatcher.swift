import DICOM

/// The keys of an identifier (or of one sequence key item) read once for matching: a record
/// matches when every key does (PS3.4 C.2.2.2, C.4.1.3.1.1).
public struct RecordMatcher: Sendable {
    private let conditions: [KeyCondition]
    private let combined: [CombinedDateTime]

    /// The matcher of a whole identifier at `level`: keys of the level and the levels above it
    /// are matched; keys of lower levels describe no attribute of the entity and are only
    /// returned (empty), and control attributes are never matched (`QueryKeyTables`).
    init(keys: DataSet, characterSet: SpecificCharacterSet, level: QueryRetrieveLevel, model: QueryRetrieveModel,
         options: QueryMatchingOptions) {
        let required = model.levels.filter { $0 <= level }.reduce(into: Set<Tag>()) { $0.formUnion(model.requiredKeys(at: $1)) }
        let queryOffset = keys[QueryTag.timezoneOffsetFromUTC].flatMap { Self.utcOffset(of: $0) }
        var matched = keys.filter { key in
            guard let home = model.level(of: key.tag) else { return false }
            return home <= level
        }
        var combined: [CombinedDateTime] = []
        if options.combinedDateTime {
            for pair in CombinedDateTime.pairs {
                guard let date = keys[pair.date], let time = keys[pair.time], matched.contains(where: { $0.tag == pair.date }),
                      let condition = CombinedDateTime(date: date, time: time, characterSet: characterSet,
                                                       unknownMatches: options.unknownRequiredKeysMatch && required.contains(pair.date),
                                                       queryOffset: queryOffset)
                else { continue }
                combined.append(condition)
                matched.removeAll { $0.tag == pair.date || $0.tag == pair.time }
            }
        }
        self.combined = combined
        conditions = matched.map { key in
            let condition = KeyCondition(key, characterSet: characterSet, options: options,
                                         unknownMatches: options.unknownRequiredKeysMatch && required.contains(key.tag))
            return condition.assumingQueryOffset(queryOffset)
        }
    }

    /// The matcher of the single item of a sequence key (PS3.4 C.2.2.2.6): every attribute of
    /// the item is an Item Key Attribute; levels and Required Keys play no part inside items.
    init(itemKeys: DataSet, inherited: SpecificCharacterSet, options: QueryMatchingOptions) {
        let characterSet = ElementText.characterSet(of: itemKeys, inherited: inherited)
        combined = []
        conditions = itemKeys.filter { !QueryKeyTables.isControlAttribute($0.tag) }.map {
            KeyCondition($0, characterSet: characterSet, options: options, unknownMatches: false)
        }
    }

    /// True when `record` matches every key. `inherited` is the character set of the data set
    /// enclosing `record`, for sequence items that declare none of their own.
    public func matches(_ record: DataSet, inherited: SpecificCharacterSet = .default) -> Bool {
        let characterSet = ElementText.characterSet(of: record, inherited: inherited)
        return combined.allSatisfy { $0.matches(record, characterSet: characterSet) }
            && conditions.allSatisfy { $0.matches(record, characterSet: characterSet) }
    }

    /// The condition on `tag`, if this matcher tests it (the index uses the level's Unique Key
    /// to pass over instances before building records).
    func condition(for tag: Tag) -> KeyCondition? {
        conditions.first { $0.tag == tag }
    }

    /// Timezone Offset From UTC (0008,0201) of a data set in minutes: "+hhmm" or "-hhmm".
    static func utcOffset(of dataSet: DataSet) -> Int? {
        dataSet[QueryTag.timezoneOffsetFromUTC].flatMap { utcOffset(of: $0) }
    }

    static func utcOffset(of element: DataElement) -> Int? {
        guard let text = element.string, text.count == 5, let sign = text.first, sign == "+" || sign == "-",
              let hours = Int(text.dropFirst().prefix(2)), let minutes = Int(text.suffix(2)), hours <= 14, minutes < 60
        else { return nil }
        return (sign == "-" ? -1 : 1) * (hours * 60 + minutes)
    }
}
