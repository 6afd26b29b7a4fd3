import DICOM
import DICOMNetwork

/// A QIDO-RS search (PS3.18 10.6.1) read from its path and query parameters: the C-FIND
/// identifier it amounts to, which attributes to return, and the page of answers wanted.
struct QIDOQuery: Sendable {
    let level: QueryRetrieveLevel
    /// The Study Root identifier: matching keys, return keys, and the level.
    private(set) var identifier: DataSet
    /// `includefield=all`: every attribute the archive holds of each match.
    private(set) var everyAttribute = false
    /// `fuzzymatching=true`: person names match regardless of letter case (PS3.18 8.3.4.5
    /// leaves the fuzzy algorithm to the origin server; this is Rampart's).
    private(set) var fuzzyMatching = false
    private(set) var limit: Int?
    private(set) var offset = 0

    /// The most answers one response carries when the request sets no smaller `limit`
    /// (PS3.18 8.3.4.4 lets the origin server cap a response and say so in a Warning header).
    static let maximumResults = 10_000

    /// `parameters` in request order; `studyUID` and `seriesUID` from the path.
    init(level: QueryRetrieveLevel, parameters: [(name: String, value: String)], studyUID: String? = nil,
         seriesUID: String? = nil) throws(WebProblem) {
        self.level = level
        identifier = DataSet()
        identifier.insert(DataElement.text(WebTag.queryRetrieveLevel, .CS, [level.rawValue]))
        for tag in Self.defaultAttributes(level, studyInPath: studyUID != nil, seriesInPath: seriesUID != nil) {
            insert(empty: tag)
        }
        if let studyUID { try set(WebTag.studyInstanceUID, .UI, studyUID, from: "the path") }
        if let seriesUID { try set(WebTag.seriesInstanceUID, .UI, seriesUID, from: "the path") }
        for (name, value) in parameters {
            switch name {
            case "limit": limit = try Self.count(value, name)
            case "offset": offset = try Self.count(value, name)
            case "fuzzymatching":
                guard let flag = Bool(value) else { throw WebProblem(.badRequest, "fuzzymatching must be true or false, not \(value)") }
                fuzzyMatching = flag
            case "includefield":
                for field in value.split(separator: ",").map(String.init) {
                    if field == "all" { everyAttribute = true } else { insert(empty: try Self.tag(field)) }
                }
            default:
                let tag = try Self.tag(name)
                try set(tag, Self.vr(of: tag), value, from: "parameter \(name)")
            }
        }
        // Values come as UTF-8 (PS3.18 8.3.4.1): said so when any is not ASCII.
        if identifier.contains(where: { element in element.tag != WebTag.queryRetrieveLevel && (element.inlineBytes ?? []).contains { $0 >= 0x80 } }) {
            identifier.insert(DataElement.text(WebTag.specificCharacterSet, .CS, ["ISO_IR 192"]))
        }
    }

    /// How many answers the archive must find: those skipped, those wanted, and one more to
    /// tell whether the cap cut the answers short.
    var answersNeeded: Int { offset + min(limit ?? Self.maximumResults, Self.maximumResults) + 1 }

    /// The page `limit` and `offset` ask for, and whether the cap cut the answers short (more
    /// matched than the server sends, and the request did not ask for fewer).
    func page<T>(_ answers: [T]) -> (page: ArraySlice<T>, truncated: Bool) {
        let capped = limit.map { $0 > Self.maximumResults } ?? true
        let rest = answers.dropFirst(offset)
        let wanted = min(limit ?? Self.maximumResults, Self.maximumResults)
        return (rest.prefix(wanted), capped && rest.count > wanted)
    }

    private mutating func insert(empty tag: Tag) {
        guard !identifier.contains(tag) else { return }
        identifier.insert(ElementText.empty(tag, vr: Self.vr(of: tag)))
    }

    /// A matching key. UIDs may be a comma-separated list (UID list matching, PS3.18 8.3.4.1);
    /// other values are passed as given, backslashes separating multiple values.
    private mutating func set(_ tag: Tag, _ vr: VR, _ value: String, from source: String) throws(WebProblem) {
        guard vr != .SQ else {
            throw WebProblem(.badRequest, "\(source): matching on a sequence attribute (\(tag)) is not supported; ask for it with includefield")
        }
        guard !Self.binaryVRs.contains(vr) else {
            throw WebProblem(.badRequest, "\(source): \(tag) has VR \(vr), which cannot be matched by value")
        }
        let values = vr == .UI ? value.split(separator: ",", omittingEmptySubsequences: false).map(String.init) : [value]
        if vr == .UI {
            for uid in values where !uid.isEmpty && !uid.contains("*") && !uid.contains("?") {
                do {
                    _ = try ValidatedUID(uid)
                } catch {
                    throw WebProblem(.badRequest, "\(source): \(error)")
                }
            }
        }
        identifier.insert(DataElement.text(tag, vr, values))
    }

    private static let binaryVRs: Set<VR> = [.OB, .OD, .OF, .OL, .OV, .OW, .UN, .FL, .FD, .SL, .SS, .UL, .US, .SV, .UV, .AT]

    /// An attribute by keyword ("PatientName") or tag ("00100010"); sequence paths
    /// ("00081032.00080100") are not supported.
    static func tag(_ name: String) throws(WebProblem) -> Tag {
        if name.count == 8, let value = UInt32(name, radix: 16) {
            return Tag(UInt16(value >> 16), UInt16(value & 0xFFFF))
        }
        guard let tag = DataDictionary.tag(forKeyword: name) else {
            throw WebProblem(.badRequest, "\(name) is not a DICOM attribute keyword or tag, nor a QIDO-RS parameter (limit, offset, fuzzymatching, includefield)")
        }
        return tag
    }

    static func vr(of tag: Tag) -> VR {
        DataDictionary.entry(for: tag)?.vr ?? .UN
    }

    private static func count(_ value: String, _ name: String) throws(WebProblem) -> Int {
        guard let number = Int(value), number >= 0 else { throw WebProblem(.badRequest, "\(name) must be a whole number, not \(value)") }
        return number
    }

    /// The attributes returned without `includefield` (PS3.18 Tables 10.6.3-3 to 10.6.3-5): the
    /// level's, and those of the levels above when the path does not name their entity.
    static func defaultAttributes(_ level: QueryRetrieveLevel, studyInPath: Bool, seriesInPath: Bool) -> [Tag] {
        let study: [Tag] = [
            Tag(0x0008, 0x0020), Tag(0x0008, 0x0030), Tag(0x0008, 0x0050), Tag(0x0008, 0x0056), Tag(0x0008, 0x0061),
            Tag(0x0008, 0x0090), Tag(0x0008, 0x0201), Tag(0x0008, 0x1030), Tag(0x0010, 0x0010), Tag(0x0010, 0x0020),
            Tag(0x0010, 0x0030), Tag(0x0010, 0x0040), Tag(0x0020, 0x000D), Tag(0x0020, 0x0010), Tag(0x0020, 0x1206),
            Tag(0x0020, 0x1208),
        ]
        let series: [Tag] = [
            Tag(0x0008, 0x0060), Tag(0x0008, 0x0201), Tag(0x0008, 0x103E), Tag(0x0020, 0x000E), Tag(0x0020, 0x0011),
            Tag(0x0020, 0x1209), Tag(0x0040, 0x0244), Tag(0x0040, 0x0245),
        ]
        let instance: [Tag] = [
            Tag(0x0008, 0x0016), Tag(0x0008, 0x0018), Tag(0x0008, 0x0056), Tag(0x0008, 0x0201), Tag(0x0020, 0x0013),
            Tag(0x0028, 0x0010), Tag(0x0028, 0x0011), Tag(0x0028, 0x0100), Tag(0x0028, 0x0008),
        ]
        switch level {
        case .patient, .study: return study
        case .series: return series + (studyInPath ? [WebTag.studyInstanceUID] : study)
        case .image:
            return instance + (seriesInPath ? [WebTag.seriesInstanceUID] : series) + (studyInPath ? [WebTag.studyInstanceUID] : study)
        }
    }
}
