import DICOM

/// A parsed, validated C-FIND/C-MOVE/C-GET identifier (PS3.4 C.4.1.1.3, C.4.2.1.4, C.4.3.1.3).
///
/// Validation follows the baseline hierarchical behaviour (PS3.4 C.4.1.2.1, C.4.2.2.1,
/// C.4.3.2.1) with two deliberate leniencies, so that SCUs that are careless in harmless ways
/// are still answered:
/// - a key of a level above the Query/Retrieve Level that is not the Unique Key is accepted
///   when it is empty: it only asks for the parent's value to be returned, which needs no
///   relational query. With a value it is refused, unless relational queries were negotiated.
/// - a C-MOVE or C-GET may leave out the Unique Keys of the levels above its own (an SCU that
///   sends only Study Instance UIDs at STUDY level in Patient Root is understood); the Unique
///   Key of the level itself is required. Other keys of a retrieve are dropped (PS3.4
///   C.4.2.1.4.1 lists only Unique Keys) and listed in `ignoredKeys`.
///
/// With relational queries negotiated (`options.relational`, PS3.4 C.4.1.2.2) a C-FIND may
/// carry keys of any level above its own, matched like the others, and needs no Unique Key
/// above it; relational retrieval (C.4.2.2.2, C.4.3.2.2) is what the second leniency already
/// allows, so a retrieve is read the same way in both modes.
public struct QueryIdentifier: Sendable {
    public var level: QueryRetrieveLevel
    public var model: QueryRetrieveModel
    /// The identifier without Query/Retrieve Level, Specific Character Set, Query/Retrieve View,
    /// group lengths and command or file meta elements.
    public var keys: DataSet
    public var operation: QueryRetrieveOperation
    public var options: QueryMatchingOptions
    /// Specific Character Set (0008,0005) of the identifier: how its text keys are encoded
    /// (PS3.4 C.2.2.2: present but "never matched").
    public var characterSet: SpecificCharacterSet
    /// Query/Retrieve View (0008,0053) as sent, echoed in responses (PS3.4 C.4.1.1.3.2).
    public var queryRetrieveView: DataElement?
    /// Keys a retrieve carried besides its Unique Keys, which play no part in it.
    public var ignoredKeys: [Tag]

    /// Reads a C-FIND identifier of `model`.
    public init(_ identifier: DataSet, model: QueryRetrieveModel) throws(QueryIdentifierError) {
        try self.init(identifier, model: model, operation: .find, options: .baseline)
    }

    /// Reads an identifier of `operation` in `model` with the matching `options` the association
    /// negotiated.
    public init(_ identifier: DataSet, model: QueryRetrieveModel, operation: QueryRetrieveOperation,
                options: QueryMatchingOptions = .baseline) throws(QueryIdentifierError) {
        let level = try Self.level(of: identifier)
        guard model.supports(level) else { throw .levelNotInModel(level, model) }
        self.level = level
        self.model = model
        self.operation = operation
        self.options = options
        characterSet = ElementText.characterSet(of: identifier)
        queryRetrieveView = identifier[QueryTag.queryRetrieveView]

        var keys = DataSet()
        var ignored: [Tag] = []
        for element in identifier {
            let tag = element.tag
            // Command and file meta groups are no part of a data set (PS3.5 7.1); group lengths
            // and the attributes read above carry no key.
            if tag.group < 0x0008 || tag.isGroupLength { continue }
            if tag == QueryTag.queryRetrieveLevel || tag == QueryTag.specificCharacterSet || tag == QueryTag.queryRetrieveView { continue }
            if operation.isRetrieve, !Self.isUniqueKey(tag, atOrAbove: level, in: model) {
                ignored.append(tag)
                continue
            }
            try Self.checkSequence(element)
            try Self.checkCharacterSet(characterSet, of: element)
            if operation == .find {
                try Self.checkFindKey(element, level: level, model: model, options: options, characterSet: characterSet)
            }
            keys.insert(element)
        }
        if operation.isRetrieve {
            try Self.checkRetrieveKeys(keys, level: level, model: model, characterSet: characterSet)
        }
        self.keys = keys
        ignoredKeys = ignored
    }

    /// True when `record` (a data set holding the attributes of one entity at `level` and its
    /// parents) matches every key (PS3.4 C.2.2.2). The keys are read on each call;
    /// `InstanceIndex` reads them once per query.
    public func matches(_ record: DataSet) -> Bool {
        matcher().matches(record)
    }

    /// The keys read once, for testing many records (the archive's index tests every candidate).
    public func matcher() -> RecordMatcher {
        RecordMatcher(keys: keys, characterSet: characterSet, level: level, model: model, options: options)
    }

    // MARK: Validation

    private static func level(of identifier: DataSet) throws(QueryIdentifierError) -> QueryRetrieveLevel {
        guard let element = identifier[QueryTag.queryRetrieveLevel],
              let values = ElementText.values(of: element, vr: .CS, characterSet: .default),
              !values.allSatisfy(\.isEmpty)
        else { throw .missingQueryRetrieveLevel }
        // CS is upper case by definition (PS3.5 Table 6.2-1); "study" from a careless SCU is read kindly.
        guard values.count == 1, let level = QueryRetrieveLevel(rawValue: values[0].uppercased()) else {
            // Bounded: the text ends up in logs, and a CS value is at most 16 characters anyway.
            throw .invalidQueryRetrieveLevel(String(values.joined(separator: "\\").prefix(64)))
        }
        return level
    }

    private static func isUniqueKey(_ tag: Tag, atOrAbove level: QueryRetrieveLevel, in model: QueryRetrieveModel) -> Bool {
        model.levels.contains { $0 <= level && $0.uniqueKey == tag }
    }

    /// An unknown character set is read as the default repertoire (as pydicom and DCMTK do),
    /// which is right for ASCII keys only: a key with other bytes is refused rather than guessed at.
    private static func checkCharacterSet(_ characterSet: SpecificCharacterSet, of key: DataElement) throws(QueryIdentifierError) {
        for case let .unknownTerm(term) in characterSet.termIssues where (key.inlineBytes ?? []).contains(where: { $0 >= 0x80 }) {
            throw .unknownCharacterSet(term, key: key.tag)
        }
    }

    /// PS3.4 C.4.1.3.1.1: above the query level only Unique Keys take part in the search.
    private static func checkFindKey(_ key: DataElement, level: QueryRetrieveLevel, model: QueryRetrieveModel,
                                     options: QueryMatchingOptions, characterSet: SpecificCharacterSet) throws(QueryIdentifierError) {
        guard let home = model.level(of: key.tag), home < level, home.uniqueKey != key.tag, !options.relational else { return }
        if ElementText.isEmpty(key, characterSet: characterSet) || isEmptySequenceKey(key) { return }
        throw .keyAboveLevel(key.tag, keyLevel: home, queryLevel: level)
    }

    /// PS3.4 C.4.2.2.1, C.4.3.2.1: the level's Unique Key is given, as a list of UIDs (or one
    /// Patient ID); Unique Keys above it, when given, hold one value. No wild cards anywhere.
    private static func checkRetrieveKeys(_ keys: DataSet, level: QueryRetrieveLevel, model: QueryRetrieveModel,
                                          characterSet: SpecificCharacterSet) throws(QueryIdentifierError) {
        for parent in model.levels where parent <= level {
            let tag = parent.uniqueKey
            guard let element = keys[tag], !ElementText.isEmpty(element, characterSet: characterSet) else {
                if parent == level { throw .missingUniqueKey(tag, level: level) }
                continue
            }
            let values = (ElementText.values(of: element, vr: ElementText.effectiveVR(of: element), characterSet: characterSet) ?? [])
            let listAllowed = parent == level && parent != .patient
            guard !values.isEmpty, values.allSatisfy({ !$0.isEmpty && !WildcardPattern.hasWildcards($0) }),
                  values.count == 1 || listAllowed
            else { throw .invalidUniqueKey(tag, level: level) }
        }
    }

    private static func checkSequence(_ element: DataElement) throws(QueryIdentifierError) {
        guard let items = element.items else { return }
        guard items.count <= 1 else { throw .sequenceKeyWithSeveralItems(element.tag, count: items.count) }
        for nested in items.first ?? DataSet() {
            try checkSequence(nested)
        }
    }

    /// A sequence key with one empty item asks for the whole sequence (PS3.4 C.2.2.2.6).
    private static func isEmptySequenceKey(_ key: DataElement) -> Bool {
        guard let items = key.items else { return false }
        return items.allSatisfy(\.isEmpty)
    }
}
