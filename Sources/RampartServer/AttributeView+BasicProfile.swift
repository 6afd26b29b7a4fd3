import Access
import DICOM
import Deidentify

extension AttributeView {
    /// The `deidentified` view the server applies (the researcher's, and any policy view named or
    /// based on `deidentified`): the whole PS3.15 Table E.1-1 Basic Application Level
    /// Confidentiality Profile with no option, built from Deidentify's table (generated from the
    /// standard) and applied on the fly to what leaves the archive, in every channel.
    ///
    /// - X: removed. Z: emptied. D: replaced by a dummy valid for the attribute's VR in the data
    ///   dictionary (`DummyValue`); emptied where that VR has no text dummy (binary, ambiguous
    ///   US/SS, sequences: a replaced sequence shows no items).
    /// - Combined codes are resolved as `ActionCode.action` resolves them for `rampart deidentify`:
    ///   D where D is allowed, else Z.
    /// - U (and X/Z/U*): kept. Retrieval names objects by Study, Series and SOP Instance UID, so
    ///   remapping them in a view would break C-GET, C-MOVE and WADO-RS by UID; `rampart
    ///   deidentify` remaps them for data that leaves for good.
    /// - K: kept. C (an option's code, never the Basic Profile's): removed for text, emptied for
    ///   dates and times, which cannot be shifted without a project key.
    /// - Private attributes: removed.
    ///
    /// Pixels that may carry burned-in text are left out as for every view that hides the
    /// patient's identity (`refusesPixels`). Unlike `rampart deidentify`, the view does not add
    /// Patient Identity Removed or the de-identification method: the stored object is unchanged.
    static let basicProfile = AttributeView(basicProfile: ConfidentialityProfile.table)

    private static let dateAndTimeVRs: Set<VR> = [.DA, .DT, .TM]

    init(basicProfile rows: [ProfileRow]) {
        var removed: Set<Tag> = [], replaced: [Tag: Replacement] = [:]
        var removedPatterns: Set<TagPattern> = [], replacedPatterns: [TagPattern: Replacement] = [:]
        var removesPrivate = false
        for row in rows {
            let vr = row.pattern.isSingleTag ? DataDictionary.entry(for: Tag(row.pattern.value)).flatMap { $0.isAmbiguous ? nil : $0.vr } : nil
            let replacement: Replacement?
            switch row.basic.action {
            case .keep, .remapUID: continue
            case .remove: replacement = nil
            case .zero: replacement = .empty
            case .dummy: replacement = vr.flatMap(DummyValue.text(for:)).map(Replacement.text) ?? .empty
            case .clean: replacement = vr.map(Self.dateAndTimeVRs.contains) == true ? .empty : nil
            }
            switch (row.pattern, replacement) {
            case (.privateAttributes, nil): removesPrivate = true
            case let (pattern, nil) where pattern.isSingleTag: removed.insert(Tag(pattern.value))
            case let (pattern, nil): removedPatterns.insert(pattern)
            case let (pattern, replacement?) where pattern.isSingleTag: replaced[Tag(pattern.value)] = replacement
            case let (pattern, replacement?): replacedPatterns[pattern] = replacement
            }
        }
        self.init(name: "deidentified", removed: removed, replaced: replaced, removedPatterns: removedPatterns,
                  replacedPatterns: replacedPatterns, removesPrivateAttributes: removesPrivate)
    }
}
