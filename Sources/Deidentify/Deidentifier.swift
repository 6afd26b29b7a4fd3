import DICOM

/// De-identifies data sets by the Basic Application Level Confidentiality Profile and its options
/// (PS3.15 Annex E) under one project key: the same input gives the same output in every run, so
/// studies of one patient de-identified apart still share a Patient ID, a date shift and their
/// UID references.
///
/// - Attributes that Table E.1-1 names get their action; others are kept (the table lists every
///   standard attribute that may identify), and sequences are recursed either way.
/// - Private attributes are removed. Retain Safe Private keeps those a vetted safe list names;
///   that list (PS3.15 E.3.10 leaves it to the implementation) is empty for now, so none are kept.
/// - Patient ID becomes a keyed pseudonym rather than empty, so a study can be linked to the
///   patient's other studies without revealing who it is.
/// - Objects with Burned In Annotation YES have the masks' regions for their modality blanked
///   (native pixel data only); without a region they are refused unless Clean Pixel Data is
///   chosen, which says that the caller has cleaned the pixels.
public struct Deidentifier: Sendable {
    public let profile: ConfidentialityProfile
    public let masks: BurnedInAnnotationMasks
    private let key: ProjectKey

    static let patientID = Tag(0x0010, 0x0020)
    static let burnedInAnnotation = Tag(0x0028, 0x0301)
    static let longitudinalTemporalInformationModified = Tag(0x0028, 0x0303)
    static let patientIdentityRemoved = Tag(0x0012, 0x0062)
    static let deidentificationMethod = Tag(0x0012, 0x0063)
    static let deidentificationMethodCodeSequence = Tag(0x0012, 0x0064)
    static let codeValue = Tag(0x0008, 0x0100)
    static let codingSchemeDesignator = Tag(0x0008, 0x0102)
    static let codeMeaning = Tag(0x0008, 0x0104)

    public init(key: ProjectKey, options: DeidentificationOptions, masks: BurnedInAnnotationMasks = .none) throws(DeidentificationError) {
        self.key = key
        self.masks = masks
        profile = try ConfidentialityProfile(options: options)
    }

    /// A Part 10 file de-identified: its data set, and file meta information rebuilt from it
    /// (new SOP Instance UID, Rampart as the implementation, the same transfer syntax).
    public func deidentify(_ file: DICOMFile) throws -> DICOMFile {
        var meta = DataSet()
        if let version = file.meta[.fileMetaInformationVersion] { meta.insert(version) }
        var dataSet = file.dataSet
        if Self.hasBurnedInAnnotation(dataSet), let masked = try masks.masked(dataSet, transferSyntax: file.transferSyntax) {
            dataSet = masked
        }
        return DICOMFile(meta: meta, dataSet: try deidentify(dataSet), transferSyntax: file.transferSyntax)
    }

    /// The data set de-identified, with Patient Identity Removed, the method and its codes.
    /// Throws `DeidentificationError.burnedInAnnotation`, and the errors of loading deferred values.
    public func deidentify(_ dataSet: DataSet) throws -> DataSet {
        let options = profile.options
        if Self.hasBurnedInAnnotation(dataSet), !options.contains(.cleanPixelData) {
            throw DeidentificationError.burnedInAnnotation
        }
        let patientID = dataSet.string(Self.patientID) ?? ""
        let shift = options.contains(.retainLongitudinalModifiedDates)
            ? DateShift(days: key.dayShift(forPatientID: patientID)) : nil
        var result = try transform(dataSet, shift: shift)
        result.insert(.text(Self.patientIdentityRemoved, .CS, ["YES"]))
        let chosen = options.sorted()
        result.insert(.text(Self.deidentificationMethod, .LO, ["PS3.15 E.1 Basic Profile"] + chosen.map(\.rawValue)))
        let codes = [Self.code("113100", "Basic Application Confidentiality Profile")]
            + chosen.map { Self.code($0.codeValue, $0.codeMeaning) }
        result.insert(DataElement(tag: Self.deidentificationMethodCodeSequence, items: codes))
        if shift != nil {
            result.insert(.text(Self.longitudinalTemporalInformationModified, .CS, ["MODIFIED"]))
        }
        return result
    }

    static func hasBurnedInAnnotation(_ dataSet: DataSet) -> Bool {
        dataSet.string(burnedInAnnotation)?.uppercased() == "YES"
    }

    private func transform(_ dataSet: DataSet, shift: DateShift?) throws -> DataSet {
        var result: [DataElement] = []
        result.reserveCapacity(dataSet.count)
        for element in dataSet {
            // Group lengths would be wrong after the changes; encoders recompute what they need.
            if element.tag.isGroupLength { continue }
            if element.tag.group & 1 == 1 { continue }
            if element.tag == Self.patientID {
                result.append(pseudonymized(element))
                continue
            }
            let action = profile.action(for: element.tag) ?? .keep
            if let kept = try apply(action, to: element, shift: shift) { result.append(kept) }
        }
        return DataSet(result)
    }

    private func apply(_ action: AttributeAction, to element: DataElement, shift: DateShift?) throws -> DataElement? {
        if let items = element.items {
            switch action {
            case .remove: return nil
            case .zero: return DataElement(tag: element.tag, items: [])
            case .keep, .dummy, .clean, .remapUID:
                return DataElement(tag: element.tag, vr: element.vr, value: .sequence(try items.map { try transform($0, shift: shift) }))
            }
        }
        switch action {
        case .remove:
            return nil
        case .keep:
            return element
        case .zero:
            return DataElement(tag: element.tag, vr: element.vr, bytes: [])
        case .dummy:
            return try dummy(for: element)
        case .remapUID:
            return element.vr == .UI ? try remapped(element) : try dummy(for: element)
        case .clean:
            return try cleaned(element, shift: shift)
        }
    }

    /// C: dates moved under Modified Dates (times kept, the shift being whole days), UIDs
    /// remapped, text replaced by a dummy. Binary values (overlay bitmaps, curves) cannot be
    /// checked for identifying content here, so they are removed.
    private func cleaned(_ element: DataElement, shift: DateShift?) throws -> DataElement? {
        switch element.vr {
        case .DA, .DT:
            guard let shift else { return try dummy(for: element) }
            let values = try text(of: element)
            let moved = values.map { value in
                element.vr == .DA ? shift.shifted(date: value[...]) : shift.shifted(dateTime: value[...])
            }
            // A partial date ("2024", "202403") cannot be moved by days: it is emptied instead.
            guard moved.allSatisfy({ $0 != nil }) else { return DataElement(tag: element.tag, vr: element.vr, bytes: []) }
            return .text(element.tag, element.vr, moved.compactMap { $0 })
        case .TM:
            return shift != nil ? element : try dummy(for: element)
        case .UI:
            return try remapped(element)
        default:
            return element.vr.isString ? try dummy(for: element) : nil
        }
    }

    private func dummy(for element: DataElement) throws -> DataElement? {
        // A value read without its VR (implicit VR, UN) gets the dictionary's VR, so the dummy is valid.
        let vr = element.vr == .UN ? DataDictionary.entry(for: element.tag)?.vr ?? .UN : element.vr
        if vr == .UI { return try remapped(DataElement(tag: element.tag, vr: .UI, value: element.value)) }
        guard let bytes = DummyValue.bytes(for: vr) else { return DataElement(tag: element.tag, vr: vr, bytes: []) }
        return DataElement(tag: element.tag, vr: vr, bytes: bytes)
    }

    /// U: each UID mapped under the key, so references (a series' study, a referenced SOP
    /// instance) still point at the same remapped object.
    private func remapped(_ element: DataElement) throws -> DataElement {
        let uids = try text(of: element).map { $0.isEmpty ? $0 : key.uid(for: $0) }
        return .uid(element.tag, uids.joined(separator: "\\"))
    }

    private func pseudonymized(_ element: DataElement) -> DataElement {
        guard let id = element.string, !id.isEmpty else { return DataElement(tag: element.tag, vr: element.vr, bytes: []) }
        return .text(element.tag, .LO, [key.pseudonym(ofPatientID: id)])
    }

    /// The values of a text element, loading a deferred value first.
    private func text(of element: DataElement) throws -> [String] {
        let bytes = try element.loadBytes()
        let string = String(decoding: TextValue.trimmingPadding(bytes[...], vr: element.vr), as: UTF8.self)
        return TextValue.split(string, vr: element.vr)
    }

    private static func code(_ value: String, _ meaning: String) -> DataSet {
        DataSet([
            .text(codeValue, .SH, [value]),
            .text(codingSchemeDesignator, .SH, ["DCM"]),
            .text(codeMeaning, .LO, [meaning]),
        ])
    }
}
