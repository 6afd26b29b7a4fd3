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
    /// Removes every private attribute (odd groups), whose content no public table describes.
    public let removesPrivateAttributes: Bool

    public init(name: String, removed: Set<Tag>, replaced: [Tag: Replacement] = [:], removesPrivateAttributes: Bool = false) {
        self.name = name
        self.removed = removed
        self.replaced = replaced.filter { !removed.contains($0.key) }
        self.removesPrivateAttributes = removesPrivateAttributes
    }

    public var description: String { name }

    /// Whether the view shows every attribute as stored.
    public var isFull: Bool { removed.isEmpty && replaced.isEmpty && !removesPrivateAttributes }

    /// Whether the view removes or replaces the value of `tag`: a query must not match on it,
    /// or the match itself would tell what the view hides.
    public func hides(_ tag: Tag) -> Bool {
        removed.contains(tag) || replaced[tag] != nil || (removesPrivateAttributes && tag.isPrivate)
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
            if removed.contains(element.tag) || (removesPrivateAttributes && element.tag.isPrivate) { continue }
            if pixelsRefused, Self.pixelValues.contains(element.tag) { continue }
            switch (replaced[element.tag], element.value) {
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
    /// becomes that replacement.
    public func combined(with other: AttributeView) -> AttributeView {
        guard self != other else { return self }
        var replaced: [Tag: Replacement] = [:]
        for (tag, replacement) in self.replaced where other.hides(tag) { replaced[tag] = replacement }
        for (tag, replacement) in other.replaced where hides(tag) && replaced[tag] == nil { replaced[tag] = replacement }
        return AttributeView(name: "\(name)+\(other.name)", removed: removed.intersection(other.removed), replaced: replaced,
                             removesPrivateAttributes: removesPrivateAttributes && other.removesPrivateAttributes)
    }
}

extension AttributeView {
    /// Every attribute as stored.
    public static let full = AttributeView(name: "full", removed: [])

    /// The patient's name and ID stay; the identifiers beyond them that PS3.15 E.1-1 lists for
    /// removal (action X) go: other IDs and names (where social-security and military ID
    /// numbers are usually kept), addresses, telephone numbers, birth names, service records.
    public static let noIdentifiersBeyondName = AttributeView(name: "no-identifiers-beyond-name", removed: identifiersBeyondName)

    /// PS3.15 E.1 Basic Application Level Confidentiality Profile, applied to the attributes
    /// Rampart indexes and returns in C-FIND and to the other patient, study and series
    /// attributes of Table E.1-1 around them: action Z (and Z/D) attributes are emptied, X ones
    /// removed, private attributes removed. Not done yet (a later issue): UID remapping (action
    /// U: UIDs stay, so that retrieval works), the Table E.1-1 attributes outside this list,
    /// and the Patient Identity Removed / De-identification Method attributes a fully
    /// de-identified object carries.
    public static let deidentified = AttributeView(
        name: "deidentified",
        removed: identifiersBeyondName.union([
            Tag(0x0008, 0x0021), // Series Date (X/D)
            Tag(0x0008, 0x0022), // Acquisition Date (X/Z)
            Tag(0x0008, 0x002A), // Acquisition DateTime (X/D)
            Tag(0x0008, 0x0031), // Series Time (X/D)
            Tag(0x0008, 0x0032), // Acquisition Time (X/Z)
            Tag(0x0008, 0x0080), // Institution Name (X/Z/D)
            Tag(0x0008, 0x0081), // Institution Address (X)
            Tag(0x0008, 0x0092), // Referring Physician's Address (X)
            Tag(0x0008, 0x0094), // Referring Physician's Telephone Numbers (X)
            Tag(0x0008, 0x1010), // Station Name (X/Z/D)
            Tag(0x0008, 0x1030), // Study Description (X)
            Tag(0x0008, 0x103E), // Series Description (X)
            Tag(0x0008, 0x1040), // Institutional Department Name (X)
            Tag(0x0008, 0x1048), // Physician(s) of Record (X)
            Tag(0x0008, 0x1050), // Performing Physician's Name (X)
            Tag(0x0008, 0x1060), // Name of Physician(s) Reading Study (X)
            Tag(0x0008, 0x1070), // Operators' Name (X/Z/D)
            Tag(0x0008, 0x1080), // Admitting Diagnoses Description (X)
            Tag(0x0010, 0x0032), // Patient's Birth Time (X)
            Tag(0x0010, 0x1010), // Patient's Age (X)
            Tag(0x0010, 0x1020), // Patient's Size (X)
            Tag(0x0010, 0x1030), // Patient's Weight (X)
            Tag(0x0010, 0x2160), // Ethnic Group (X)
            Tag(0x0010, 0x2180), // Occupation (X)
            Tag(0x0010, 0x21B0), // Additional Patient History (X)
            Tag(0x0010, 0x4000), // Patient Comments (X)
            Tag(0x0018, 0x1000), // Device Serial Number (X/Z/D)
            Tag(0x0032, 0x1032), // Requesting Physician (X)
        ]),
        replaced: [
            Tag(0x0008, 0x0020): .empty, // Study Date (Z)
            Tag(0x0008, 0x0023): .empty, // Content Date (Z/D)
            Tag(0x0008, 0x0030): .empty, // Study Time (Z)
            Tag(0x0008, 0x0033): .empty, // Content Time (Z/D)
            Tag(0x0008, 0x0050): .empty, // Accession Number (Z)
            Tag(0x0008, 0x0090): .empty, // Referring Physician's Name (Z)
            Tag(0x0010, 0x0010): .empty, // Patient's Name (Z)
            Tag(0x0010, 0x0020): .empty, // Patient ID (Z)
            Tag(0x0010, 0x0030): .empty, // Patient's Birth Date (Z)
            Tag(0x0010, 0x0040): .empty, // Patient's Sex (Z)
            Tag(0x0020, 0x0010): .empty, // Study ID (Z)
        ],
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
