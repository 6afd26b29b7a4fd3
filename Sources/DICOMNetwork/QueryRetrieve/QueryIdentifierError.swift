import DICOM

/// Why an identifier of a C-FIND, C-MOVE or C-GET request cannot be processed. Descriptions
/// name attributes and rules, never attribute values (those may identify a patient); the
/// level value is shown because it is a defined term.
///
/// The caller answers the peer with `dimseStatus` and `offendingElements` (PS3.4 Tables C.4-1,
/// C.4-2 and C.4-3 for C-FIND, C-MOVE and C-GET) and logs `description`.
public enum QueryIdentifierError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Query/Retrieve Level (0008,0052) is absent or empty (PS3.4 C.4.1.1.3.1: "shall contain").
    case missingQueryRetrieveLevel
    /// Query/Retrieve Level holds something other than PATIENT, STUDY, SERIES or IMAGE.
    case invalidQueryRetrieveLevel(String)
    /// The level is not one of the model's (PATIENT in Study Root, SERIES in Patient/Study Only).
    case levelNotInModel(QueryRetrieveLevel, QueryRetrieveModel)
    /// A key of a level above the Query/Retrieve Level that is not that level's Unique Key: the
    /// hierarchical search of PS3.4 C.4.1.3.1.1 / C.4.2.3.1 matches only Unique Keys there.
    case keyAboveLevel(Tag, keyLevel: QueryRetrieveLevel, queryLevel: QueryRetrieveLevel)
    /// A C-MOVE or C-GET without the Unique Key of its level, or with it empty (PS3.4 C.2.2.1.1:
    /// "Unique Keys shall be contained in the Identifier of C-MOVE and C-GET requests").
    case missingUniqueKey(Tag, level: QueryRetrieveLevel)
    /// A Unique Key of a C-MOVE or C-GET that is no single value (above the level, or Patient ID)
    /// or no list of UIDs (at a STUDY, SERIES or IMAGE level): wild cards and ranges select
    /// nothing in a retrieve (PS3.4 C.4.2.2.1, C.4.3.2.1).
    case invalidUniqueKey(Tag, level: QueryRetrieveLevel)
    /// A sequence key with more than one item (PS3.4 C.2.2.2.6: "a Sequence of Items with a single Item").
    case sequenceKeyWithSeveralItems(Tag, count: Int)
    /// Specific Character Set (0008,0005) names a set Rampart does not know, and a key holds bytes
    /// beyond ASCII: what they mean cannot be known, so any match would be a guess.
    case unknownCharacterSet(String, key: Tag)

    /// The status to answer with. Every case means the identifier does not fit the SOP class
    /// (0xA900, "Identifier does not match SOP Class"), except a level value we cannot read at
    /// all and a key in a character set we do not know, which are 0xC000 ("Unable to process").
    public var dimseStatus: UInt16 {
        switch self {
        case .invalidQueryRetrieveLevel, .unknownCharacterSet: 0xC000
        case .missingQueryRetrieveLevel, .levelNotInModel, .keyAboveLevel, .missingUniqueKey,
             .invalidUniqueKey, .sequenceKeyWithSeveralItems:
            0xA900
        }
    }

    /// For Offending Element (0000,0901) of the failure response.
    public var offendingElements: [Tag] {
        switch self {
        case .missingQueryRetrieveLevel, .invalidQueryRetrieveLevel, .levelNotInModel: [QueryTag.queryRetrieveLevel]
        case let .unknownCharacterSet(_, key): [QueryTag.specificCharacterSet, key]
        case let .keyAboveLevel(tag, _, _), let .missingUniqueKey(tag, _), let .invalidUniqueKey(tag, _),
             let .sequenceKeyWithSeveralItems(tag, _):
            [tag]
        }
    }

    public var description: String {
        switch self {
        case .missingQueryRetrieveLevel:
            return "identifier has no Query/Retrieve Level (0008,0052), or an empty one: PS3.4 C.4.1.1.3.1 requires it"
        case let .invalidQueryRetrieveLevel(value):
            return "Query/Retrieve Level (0008,0052) is \"\(value)\", not PATIENT, STUDY, SERIES or IMAGE"
        case let .levelNotInModel(level, model):
            let levels = model.levels.map(\.rawValue).joined(separator: ", ")
            return "Query/Retrieve Level \(level) is not part of the \(model) model, whose levels are \(levels) (PS3.4 C.6)"
        case let .keyAboveLevel(tag, keyLevel, queryLevel):
            return "\(Self.name(tag)) is a key of the \(keyLevel) level, above the \(queryLevel) query level; only the "
                + "Unique Key \(Self.name(keyLevel.uniqueKey)) may be given there without relational queries (PS3.4 C.4.1.3.1.1)"
        case let .missingUniqueKey(tag, level):
            return "retrieve at the \(level) level needs \(Self.name(tag)) with a value (PS3.4 C.2.2.1.1)"
        case let .invalidUniqueKey(tag, level):
            let form = tag == level.uniqueKey && level != .patient ? "a list of UIDs" : "a single value"
            return "\(Self.name(tag)) of a retrieve at the \(level) level must be \(form), without wild cards or ranges "
                + "(PS3.4 C.4.2.2.1)"
        case let .sequenceKeyWithSeveralItems(tag, count):
            return "sequence key \(Self.name(tag)) has \(count) items; a sequence key has exactly one item (PS3.4 C.2.2.2.6)"
        case let .unknownCharacterSet(term, key):
            return "Specific Character Set (0008,0005) \"\(term)\" is not a defined term (PS3.3 C.12.1.1.2) and \(Self.name(key)) "
                + "holds bytes beyond ASCII, which it alone could decode; send a defined term such as ISO_IR 192"
        }
    }

    private static func name(_ tag: Tag) -> String {
        let keyword = DataDictionary.entry(for: tag)?.keyword ?? ""
        return keyword.isEmpty ? "\(tag)" : "\(keyword) \(tag)"
    }
}
