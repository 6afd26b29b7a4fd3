import DICOM

/// One key of an identifier, read once into the kind of matching PS3.4 C.2.2.2 prescribes for
/// its VR and value, then tried against any number of entities.
struct KeyCondition: Sendable {
    enum Kind: Sendable {
        /// Universal Matching (C.2.2.2.3): a zero-length key, or "*" (C.2.2.2.4).
        case universal
        /// Empty Value Matching (C.2.2.2.7): only an absent or zero-length value matches.
        case emptyValue
        /// List of UID Matching (C.2.2.2.2), a single UID being a list of one.
        case uids(Set<String>)
        /// Single Value or Wild Card Matching of text (C.2.2.2.1, C.2.2.2.4), one criterion per
        /// key value; any may match, or all must with Multiple Value Matching (C.2.2.2.8).
        case text([TextCriterion], requireAll: Bool)
        /// Range Matching, or Single Value Matching of a DA, TM or DT (C.2.2.2.5, C.2.2.2.1 b).
        case temporal([TemporalRange], vr: VR)
        /// Single Value Matching of binary values: each key value against each entity value.
        case binary([[UInt8]], wordSize: Int?)
        /// Sequence Matching (C.2.2.2.6): some item of the entity's sequence matches every key
        /// of the key's single item.
        case sequence(RecordMatcher)
    }

    let tag: Tag
    let vr: VR
    let kind: Kind
    /// What an absent or zero-length entity value does: match for Required Keys
    /// (C.2.2.1.2, see `QueryMatchingOptions.unknownRequiredKeysMatch`), fail otherwise.
    let unknownMatches: Bool

    init(tag: Tag, vr: VR, kind: Kind, unknownMatches: Bool) {
        self.tag = tag
        self.vr = vr
        self.kind = kind
        self.unknownMatches = unknownMatches
    }

    /// Reads a key element. `characterSet` is the identifier's (or the enclosing item's).
    init(_ key: DataElement, characterSet: SpecificCharacterSet, options: QueryMatchingOptions, unknownMatches: Bool) {
        tag = key.tag
        vr = ElementText.effectiveVR(of: key)
        self.unknownMatches = unknownMatches
        kind = Self.kind(of: key, vr: vr, characterSet: characterSet, options: options)
    }

    /// True when `record` satisfies the key; `characterSet` is the record's.
    func matches(_ record: DataSet, characterSet: SpecificCharacterSet) -> Bool {
        if case .universal = kind { return true }
        guard let element = record[tag], !ElementText.isEmpty(element, characterSet: characterSet) else {
            if case .emptyValue = kind { return true }
            return unknownMatches
        }
        switch kind {
        case .universal:
            return true
        case .emptyValue:
            return false
        case .uids(let uids):
            return entityValues(element, characterSet).contains(where: uids.contains)
        case let .text(criteria, requireAll):
            let values = entityValues(element, characterSet)
            let matched: (TextCriterion) -> Bool = { criterion in values.contains(where: criterion.matches) }
            return requireAll ? criteria.allSatisfy(matched) : criteria.contains(where: matched)
        case let .temporal(ranges, vr):
            let offset = RecordMatcher.utcOffset(of: record)
            let values = entityValues(element, characterSet).compactMap { TemporalValue.parse(Substring($0), vr: vr)?.assumingOffset(offset) }
            return values.contains { value in ranges.contains { $0.contains(value) } }
        case let .binary(keyValues, wordSize):
            guard let bytes = try? element.loadBytes() else { return false }
            let values = Self.words(bytes, size: wordSize)
            return keyValues.contains(where: values.contains)
        case .sequence(let itemMatcher):
            guard let items = element.items else { return false }
            return items.contains { itemMatcher.matches($0, inherited: characterSet) }
        }
    }

    private func entityValues(_ element: DataElement, _ characterSet: SpecificCharacterSet) -> [String] {
        ElementText.values(of: element, vr: ElementText.effectiveVR(of: element), characterSet: characterSet) ?? []
    }

    // MARK: Reading a key

    /// VRs open to Wild Card Matching (PS3.4 C.2.2.2.4).
    private static let wildcardVRs: Set<VR> = [.AE, .CS, .LO, .LT, .PN, .SH, .ST, .UC, .UR, .UT]
    /// VRs open to Multiple Value Matching (PS3.4 C.2.2.2.8).
    private static let multipleValueVRs: Set<VR> = [.AE, .AS, .AT, .CS, .LO, .PN, .SH, .UC]

    private static func kind(of key: DataElement, vr: VR, characterSet: SpecificCharacterSet, options: QueryMatchingOptions) -> Kind {
        if case .sequence(let items) = key.value {
            // A key item with no attributes asks for the whole sequence back (C.2.2.2.6). A key with
            // several items is refused by QueryIdentifier; the first is used should one get here.
            guard let item = items.first, item.contains(where: { !QueryKeyTables.isControlAttribute($0.tag) }) else { return .universal }
            return .sequence(RecordMatcher(itemKeys: item, inherited: characterSet, options: options))
        }
        guard case .bytes = key.value, let bytes = try? key.loadBytes(), !bytes.isEmpty else { return .universal }
        guard vr.isString else {
            return .binary(words(bytes, size: vr == .AT ? 4 : vr.binaryWordSize), wordSize: vr == .AT ? 4 : vr.binaryWordSize)
        }
        let values = (ElementText.values(of: key, vr: vr, characterSet: characterSet) ?? []).filter { !$0.isEmpty }
        if values.isEmpty { return .universal }
        if options.emptyValue, values == ["\"\""] { return .emptyValue }

        switch vr {
        case .UI:
            return .uids(Set(values))
        case .DA, .TM, .DT:
            let ranges = values.map { TemporalRange.parse($0, vr: vr) }
            if ranges.allSatisfy({ $0 != nil }) { return .temporal(ranges.compactMap { $0 }, vr: vr) }
            // Not a date, time or range we can read: compare the text as it is.
            return .text(values.map { .equals($0, caseInsensitive: false, personName: false) }, requireAll: false)
        default:
            let requireAll = options.multipleValue && values.count > 1 && multipleValueVRs.contains(vr)
            let personName = vr == .PN
            let caseInsensitive = personName && options.caseInsensitivePersonNames
            var criteria: [TextCriterion] = []
            for value in values {
                let text = personName ? PersonNameText.normalized(value) : value
                if wildcardVRs.contains(vr), WildcardPattern.hasWildcards(text) {
                    let pattern = WildcardPattern(text, caseInsensitive: caseInsensitive)
                    if pattern.isUniversal {
                        if requireAll { continue }          // trivially met by every entity
                        return .universal
                    }
                    criteria.append(.pattern(pattern, personNameKey: personName ? text : nil))
                } else if vr == .DS || vr == .IS, let number = Double(text) {
                    criteria.append(.number(number))
                } else {
                    criteria.append(.equals(caseInsensitive ? text.lowercased() : text, caseInsensitive: caseInsensitive,
                                            personName: personName))
                }
            }
            return criteria.isEmpty ? .universal : .text(criteria, requireAll: requireAll)
        }
    }

    /// Binary values cut into words of `size` bytes (the whole value when nil).
    static func words(_ bytes: [UInt8], size: Int?) -> [[UInt8]] {
        guard let size, size > 0, bytes.count >= size else { return [bytes] }
        return stride(from: 0, to: bytes.count - bytes.count % size, by: size).map { Array(bytes[$0..<$0 + size]) }
    }
}

extension KeyCondition {
    /// The condition with the identifier's Timezone Offset From UTC assumed for DT bounds that
    /// give none (PS3.4 C.4.1.1.3.1: it states the time zone of the identifier's values).
    /// DA and TM values are compared as local values: a day or a time of day does not change
    /// zone without crossing midnight, which range matching does not support (C.2.2.2.5.2).
    func assumingQueryOffset(_ offset: Int?) -> KeyCondition {
        guard let offset, case let .temporal(ranges, .DT) = kind else { return self }
        return KeyCondition(tag: tag, vr: vr, kind: .temporal(ranges.map { $0.assumingOffset(offset) }, vr: .DT),
                            unknownMatches: unknownMatches)
    }
}
