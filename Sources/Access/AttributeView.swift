import DICOM
import Foundation

/// What a principal may see of each data set: attributes removed, and attributes whose value is
/// replaced. The gate picks the view for the principal's roles and the `Grant` carries it; the
/// data set is passed through it before it leaves the archive, in every channel (DESIGN.md rule
/// 4: the view is the data). It applies at every depth, inside sequence items too.
public struct AttributeView: Sendable, Hashable, CustomStringConvertible {
    /// What a replaced attribute holds instead of its value.
    public enum Replacement: Sendable, Hashable {
        /// A zero-length value (PS3.15 E.1 action Z).
        case empty
        /// A fixed text, encoded in the default repertoire (PS3.15 E.1 action D, a dummy value).
        case text(String)
        /// Each value replaced by a keyed hash of it: the same value always gets the same
        /// pseudonym at this site, so records of one patient still group, and nobody without the
        /// key can go back from one to the other.
        case pseudonym(PseudonymKey)
    }

    public let name: String
    public let removed: Set<Tag>
    public let replaced: [Tag: Replacement]
    /// Families of tags removed, such as PS3.15's curve data (50xx,xxxx) or overlay data (60xx,3000).
    public let removedPatterns: Set<TagPattern>
    /// Families of tags replaced. An exact tag's rule wins over a family's, removal over
    /// replacement, and where two replaced families overlap the narrower (more mask bits) wins.
    public let replacedPatterns: [TagPattern: Replacement]
    /// Removes every private attribute (odd groups), whose content no public table describes.
    public let removesPrivateAttributes: Bool
    /// `replacedPatterns` in the order they are tried: narrowest first, then by value, so the
    /// outcome never depends on a dictionary's order.
    private let replacedPatternOrder: [TagPattern]

    public init(name: String, removed: Set<Tag>, replaced: [Tag: Replacement] = [:], removedPatterns: Set<TagPattern> = [],
                replacedPatterns: [TagPattern: Replacement] = [:], removesPrivateAttributes: Bool = false) {
        self.name = name
        self.removed = removed
        self.replaced = replaced.filter { !removed.contains($0.key) }
        self.removedPatterns = removedPatterns
        self.replacedPatterns = replacedPatterns.filter { !removedPatterns.contains($0.key) }
        self.removesPrivateAttributes = removesPrivateAttributes
        replacedPatternOrder = self.replacedPatterns.keys.sorted {
            ($0.mask.nonzeroBitCount, $1.value) > ($1.mask.nonzeroBitCount, $0.value)
        }
    }

    public var description: String { name }

    /// Whether the view shows every attribute as stored.
    public var isFull: Bool {
        removed.isEmpty && replaced.isEmpty && removedPatterns.isEmpty && replacedPatterns.isEmpty && !removesPrivateAttributes
    }

    /// What the view does to one attribute.
    private enum Treatment: Equatable {
        case shown
        case removed
        case replaced(Replacement)
    }

    private func treatment(of tag: Tag) -> Treatment {
        if removed.contains(tag) || (removesPrivateAttributes && tag.isPrivate) { return .removed }
        if let replacement = replaced[tag] { return .replaced(replacement) }
        if removedPatterns.contains(where: { $0.matches(tag) }) { return .removed }
        if let pattern = replacedPatternOrder.first(where: { $0.matches(tag) }), let replacement = replacedPatterns[pattern] {
            return .replaced(replacement)
        }
        return .shown
    }

    /// Whether the view removes or replaces the value of `tag`: a query must not match on it,
    /// or the match itself would tell what the view hides.
    public func hides(_ tag: Tag) -> Bool {
        treatment(of: tag) != .shown
    }

    /// Whether the view removes or replaces what identifies the patient in burned-in text (name,
    /// ID, birth date): then text burned into the pixels could show what it hides, and pixel data
    /// goes out only where Burned In Annotation (0028,0301) says NO. A view that hides only
    /// identifiers beyond name and ID (a technologist's) shows no more in pixels than in attributes.
    public var hidesPatientIdentity: Bool {
        Self.identityInPixels.contains(where: hides)
    }

    private static let identityInPixels = [Tag(0x0010, 0x0010), Tag(0x0010, 0x0020), Tag(0x0010, 0x0030)]
    private static let burnedInAnnotation = Tag(0x0028, 0x0301)
    /// Float Pixel Data, Double Float Pixel Data, Pixel Data.
    private static let pixelValues: Set<Tag> = [Tag(0x7FE0, 0x0008), Tag(0x7FE0, 0x0009), Tag(0x7FE0, 0x0010)]

    /// Why this view refuses to let pixel data out that may carry burned-in text, or nil when
    /// it may go (PS3.15 E.1.1: an object with burned-in identification is not de-identified by
    /// its attributes alone). The reason names the attribute, never its value.
    public func refusesPixels(burnedInAnnotation: String?) -> String? {
        guard hidesPatientIdentity else { return nil }
        switch burnedInAnnotation?.trimmingCharacters(in: .whitespaces).uppercased() {
        case "NO"?: return nil
        case nil, ""?:
            return "the view \(name) hides the patient's identity, and the object does not say that its pixels carry no burned-in text (Burned In Annotation (0028,0301) is absent)"
        case _?:
            return "the view \(name) hides the patient's identity, and the object's Burned In Annotation (0028,0301) is not NO: its pixels may show it"
        }
    }

    /// `dataSet` as this view shows it.
    /// Pixel data that may show what the view hides (`refusesPixels`) is left out, in every
    /// channel alike, as an attribute the view removes is.
    public func apply(to dataSet: DataSet) -> DataSet {
        guard !isFull else { return dataSet }
        let pixelsRefused = refusesPixels(burnedInAnnotation: dataSet.string(Self.burnedInAnnotation)) != nil
        var shown: [DataElement] = []
        shown.reserveCapacity(dataSet.count)
        for element in dataSet {
            if pixelsRefused, Self.pixelValues.contains(element.tag) { continue }
            let replacement: Replacement?
            switch treatment(of: element.tag) {
            case .removed: continue
            case .shown: replacement = nil
            case let .replaced(value): replacement = value
            }
            switch (replacement, element.value) {
            case (.empty?, .sequence), (.text?, .sequence), (.pseudonym?, .sequence):
                // A sequence holds items, not text: any replacement leaves it without items.
                shown.append(DataElement(tag: element.tag, items: []))
            case (.empty?, .bytes), (.empty?, .encapsulated):
                shown.append(DataElement(tag: element.tag, vr: element.vr, bytes: []))
            case let (.text(text)?, .bytes), let (.text(text)?, .encapsulated):
                shown.append(.text(element.tag, element.vr, [text]))
            case let (.pseudonym(key)?, .bytes):
                shown.append(.text(element.tag, element.vr, element.strings.map { $0.isEmpty ? "" : key.pseudonym(of: $0) }))
            case (.pseudonym?, .encapsulated):
                shown.append(DataElement(tag: element.tag, vr: element.vr, bytes: []))
            case let (nil, .sequence(items)):
                shown.append(DataElement(tag: element.tag, vr: element.vr, value: .sequence(items.map(apply))))
            case (nil, .bytes), (nil, .encapsulated):
                shown.append(element)
            }
        }
        return DataSet(shown)
    }

    /// A query identifier that asks for what this view hides without matching on it: those
    /// keys keep their place, emptied (universal matching, PS3.4 C.2.2.2.3), since which records
    /// match would tell what the view hides. Answers then go through `apply(to:)`.
    public func matchingOnlyWhatItShows(_ identifier: DataSet) -> DataSet {
        guard !isFull else { return identifier }
        return DataSet(identifier.map { element -> DataElement in
            switch (hides(element.tag), element.value) {
            case (true, .sequence): DataElement(tag: element.tag, items: [])
            case (true, .bytes), (true, .encapsulated): DataElement(tag: element.tag, vr: element.vr, bytes: [])
            case let (false, .sequence(items)): DataElement(tag: element.tag, vr: element.vr, value: .sequence(items.map(matchingOnlyWhatItShows)))
            case (false, .bytes), (false, .encapsulated): element
            }
        })
    }

    /// The view of a principal holding two roles: it hides only what both views hide, since
    /// either role alone would show the rest. A removal that the other view only replaces
    /// becomes that replacement. Families of tags combine by their intersections.
    public func combined(with other: AttributeView) -> AttributeView {
        guard self != other else { return self }
        var removed: Set<Tag> = [], replaced: [Tag: Replacement] = [:]
        for tag in self.removed.union(self.replaced.keys).union(other.removed).union(other.replaced.keys) {
            switch Self.merged(treatment(of: tag), other.treatment(of: tag)) {
            case .shown: break
            case .removed: removed.insert(tag)
            case let .replaced(replacement): replaced[tag] = replacement
            }
        }
        var removedPatterns: Set<TagPattern> = [], replacedPatterns: [TagPattern: Replacement] = [:]
        for (mine, myTreatment) in patternTreatments {
            for (theirs, theirTreatment) in other.patternTreatments {
                guard let both = mine.intersection(theirs) else { continue }
                switch Self.merged(myTreatment, theirTreatment) {
                case .shown: break
                case .removed: removedPatterns.insert(both)
                case let .replaced(replacement): replacedPatterns[both] = replacedPatterns[both] ?? replacement
                }
            }
        }
        let removesPrivate = removesPrivateAttributes && other.removesPrivateAttributes
        if removesPrivate { removedPatterns.remove(.privateAttributes) }
        return AttributeView(name: "\(name)+\(other.name)", removed: removed, replaced: replaced, removedPatterns: removedPatterns,
                             replacedPatterns: replacedPatterns, removesPrivateAttributes: removesPrivate)
    }

    /// Every family of tags the view hides, the private attributes among them.
    private var patternTreatments: [(TagPattern, Treatment)] {
        var treatments: [(TagPattern, Treatment)] = removedPatterns.map { ($0, Treatment.removed) }
        treatments += replacedPatterns.map { ($0.key, Treatment.replaced($0.value)) }
        if removesPrivateAttributes { treatments.append((.privateAttributes, .removed)) }
        return treatments
    }

    /// What two views hiding an attribute together show of it: the least either hides.
    private static func merged(_ mine: Treatment, _ theirs: Treatment) -> Treatment {
        switch (mine, theirs) {
        case (.shown, _), (_, .shown): .shown
        case (.removed, .removed): .removed
        case let (.replaced(replacement), _), let (.removed, .replaced(replacement)): .replaced(replacement)
        }
    }
}

extension AttributeView {
    /// Every attribute as stored.
    public static let full = AttributeView(name: "full", removed: [])

    /// The patient's name and ID stay; the identifiers beyond them that PS3.15 E.1-1 lists for
    /// removal (action X) go: other IDs and names (where social-security and military ID
    /// numbers are usually kept), addresses, telephone numbers, birth names, service records.
    public static let noIdentifiersBeyondName = AttributeView(name: "no-identifiers-beyond-name", removed: identifiersBeyondName)

    /// The built-in roles' placeholder for the PS3.15 E.1 Basic Profile, which Access cannot
    /// build: Table E.1-1 lives in Deidentify, below the server. The server puts in the view
    /// built from the whole table wherever a role names this one (RampartServer's
    /// `AttributeView.basicProfile`, through `AccessPolicy.use`); the placeholder holds only where
    /// a policy is used without the server, as in tests of the gate, and hides the patient's
    /// identity there: name, ID, birth date and sex emptied, the identifiers beyond them and
    /// private attributes removed.
    public static let deidentified = AttributeView(
        name: "deidentified",
        removed: identifiersBeyondName,
        replaced: [Tag(0x0010, 0x0010): .empty, Tag(0x0010, 0x0020): .empty, Tag(0x0010, 0x0030): .empty, Tag(0x0010, 0x0040): .empty],
        removesPrivateAttributes: true)

    /// PS3.15 Table E.1-1 attributes with action X that identify the patient beyond name and ID.
    private static let identifiersBeyondName: Set<Tag> = [
        Tag(0x0010, 0x0021), // Issuer of Patient ID
        Tag(0x0010, 0x0050), // Patient's Insurance Plan Code Sequence
        Tag(0x0010, 0x1000), // Other Patient IDs
        Tag(0x0010, 0x1001), // Other Patient Names
        Tag(0x0010, 0x1002), // Other Patient IDs Sequence
        Tag(0x0010, 0x1005), // Patient's Birth Name
        Tag(0x0010, 0x1040), // Patient's Address
        Tag(0x0010, 0x1060), // Patient's Mother's Birth Name
        Tag(0x0010, 0x1080), // Military Rank
        Tag(0x0010, 0x1081), // Branch of Service
        Tag(0x0010, 0x1090), // Medical Record Locator
        Tag(0x0010, 0x2150), // Country of Residence
        Tag(0x0010, 0x2152), // Region of Residence
        Tag(0x0010, 0x2154), // Patient's Telephone Numbers
        Tag(0x0010, 0x2155), // Patient's Telecom Information
        Tag(0x0040, 0x1102), // Person's Address
        Tag(0x0040, 0x1103), // Person's Telephone Numbers
    ]
}
