import DICOM

/// An in-memory index of instances (their data sets without bulk data), answering hierarchical
/// queries: what a test SCP or a small cache needs. Thread-safety is the caller's business
/// (value type).
///
/// Entities are not stored: each query groups the instances into entities of its level — a
/// patient by Patient ID, a study by Study Instance UID, a series by Series Instance UID, an
/// instance by SOP Instance UID, each within its parents — so the index cannot disagree with
/// itself. A query costs time proportional to the attributes of every instance, which is fine
/// for thousands of instances, not for an archive.
public struct InstanceIndex: Sendable {
    /// The instances in insertion order.
    public private(set) var entries: [Entry] = []
    private var positions: [String: Int] = [:]

    public init() {}

    public init(_ entries: some Sequence<Entry>) {
        for entry in entries { insert(entry) }
    }

    /// Adds an instance; one with the same SOP Instance UID is replaced in place.
    public mutating func insert(_ entry: Entry) {
        if let position = positions[entry.sopInstanceUID] {
            entries[position] = entry
        } else {
            positions[entry.sopInstanceUID] = entries.count
            entries.append(entry)
        }
    }

    @discardableResult
    public mutating func remove(sopInstanceUID: String) -> Entry? {
        guard let position = positions.removeValue(forKey: sopInstanceUID) else { return nil }
        let removed = entries.remove(at: position)
        for index in position..<entries.count { positions[entries[index].sopInstanceUID] = index }
        return removed
    }

    public var count: Int { entries.count }

    public subscript(sopInstanceUID: String) -> Entry? {
        positions[sopInstanceUID].map { entries[$0] }
    }

    /// One record per distinct entity at the identifier's level, built from the attributes of
    /// its instances at that level and above, with the counts and lists PS3.4 C.6 defines as
    /// Optional Keys computed from the index (Number of Patient/Study/Series Related …,
    /// Modalities in Study, SOP Classes in Study), filtered by the identifier. Records come in
    /// the order their first instance was inserted. Turn each into a response with
    /// `query.response(for:)`.
    public func find(_ query: QueryIdentifier) -> [DataSet] {
        let statistics = Statistics(entries)
        let matcher = query.matcher()
        return entities(for: query, matcher: matcher).compactMap { entity in
            let record = record(of: entity, level: query.level, model: query.model, statistics: statistics)
            return matcher.matches(record) ? record : nil
        }
    }

    /// The instances under every entity that matches (for C-MOVE and C-GET), in insertion order.
    public func instances(matching query: QueryIdentifier) -> [Entry] {
        let statistics = Statistics(entries)
        let matcher = query.matcher()
        return entities(for: query, matcher: matcher).flatMap { entity in
            matcher.matches(record(of: entity, level: query.level, model: query.model, statistics: statistics))
                ? entity.members.map { entries[$0] } : []
        }
    }

    // MARK: Entities

    private struct Entity {
        var members: [Int]
    }

    /// The entities at the query's level. When the level's Unique Key is a list of UIDs (the
    /// usual retrieve), instances outside it are passed over before any record is built.
    private func entities(for query: QueryIdentifier, matcher: RecordMatcher) -> [Entity] {
        var wanted: Set<String>?
        if let condition = matcher.condition(for: query.level.uniqueKey), case .uids(let uids) = condition.kind {
            wanted = uids
        }
        let path = query.model.levels.filter { $0 <= query.level }
        var order: [[String]] = []
        var members: [[String]: [Int]] = [:]
        for (index, entry) in entries.enumerated() {
            if let wanted, !wanted.contains(Self.uniqueValue(of: entry, at: query.level)) { continue }
            let key = path.map { Self.uniqueValue(of: entry, at: $0) }
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(index)
        }
        return order.map { Entity(members: members[$0] ?? []) }
    }

    /// The Unique Key value of the entity at `level` an instance belongs to; "" when unknown
    /// (such instances form one entity per level rather than being lost).
    static func uniqueValue(of entry: Entry, at level: QueryRetrieveLevel) -> String {
        if level == .image { return entry.sopInstanceUID }
        return text(level.uniqueKey, in: entry.attributes) ?? ""
    }

    /// The first value of a string attribute, decoded in the data set's character set.
    static func text(_ tag: Tag, in dataSet: DataSet) -> String? {
        guard let element = dataSet[tag] else { return nil }
        let characterSet = ElementText.characterSet(of: dataSet)
        return ElementText.values(of: element, vr: ElementText.effectiveVR(of: element), characterSet: characterSet)?.first
    }

    /// The attributes of an entity: for each attribute of its level and above, the first
    /// non-empty value among its instances; at IMAGE level, the instance's whole data set.
    private func record(of entity: Entity, level: QueryRetrieveLevel, model: QueryRetrieveModel, statistics: Statistics) -> DataSet {
        var record: DataSet
        if level == .image, let only = entity.members.first {
            let entry = entries[only]
            record = entry.attributes
            if record[QueryTag.sopInstanceUID] == nil { record.insert(DataElement.text(QueryTag.sopInstanceUID, .UI, [entry.sopInstanceUID])) }
            if record[QueryTag.sopClassUID] == nil, !entry.sopClassUID.isEmpty {
                record.insert(DataElement.text(QueryTag.sopClassUID, .UI, [entry.sopClassUID]))
            }
        } else {
            record = DataSet()
            for index in entity.members {
                let attributes = entries[index].attributes
                let characterSet = ElementText.characterSet(of: attributes)
                for element in attributes {
                    if element.tag == QueryTag.specificCharacterSet {
                        if record[element.tag] == nil { record.insert(element) }
                        continue
                    }
                    guard let home = model.level(of: element.tag), home <= level else { continue }
                    if let existing = record[element.tag], !ElementText.isEmpty(existing, characterSet: characterSet) { continue }
                    record.insert(element)
                }
            }
        }
        statistics.addComputedAttributes(to: &record, level: level)
        return record
    }
}
