import DICOM

/// Reading string values the way the Query/Retrieve matcher of DICOMNetwork reads them
/// (its `ElementText` is internal there): decoded in the data set's Specific Character Set and
/// stripped of insignificant spaces (PS3.5 6.2). Index columns and look-ups must agree with the
/// matcher, or SQL would drop records the matcher accepts.
enum AttributeText {
    static let specificCharacterSet = Tag(0x0008, 0x0005)

    static func effectiveVR(of element: DataElement) -> VR {
        guard element.vr == .UN else { return element.vr }
        return DataDictionary.entry(for: element.tag)?.vr ?? .UN
    }

    static func values(of element: DataElement, characterSet: SpecificCharacterSet) -> [String]? {
        let vr = effectiveVR(of: element)
        guard vr.isString, case .bytes = element.value, let bytes = try? element.loadBytes() else { return nil }
        return TextValue.split(characterSet.decode(bytes[...], vr: vr), vr: vr)
    }

    static func isEmpty(_ element: DataElement, characterSet: SpecificCharacterSet) -> Bool {
        switch element.value {
        case .sequence(let items): return items.isEmpty
        case .encapsulated: return false
        case .bytes:
            if effectiveVR(of: element).isString {
                return values(of: element, characterSet: characterSet)?.allSatisfy(\.isEmpty) ?? true
            }
            return (try? element.loadBytes())?.isEmpty ?? true
        }
    }

    static func characterSet(of dataSet: DataSet) -> SpecificCharacterSet {
        guard let element = dataSet[specificCharacterSet], let bytes = try? element.loadBytes() else { return .default }
        let terms = TextValue.split(String(decoding: bytes, as: UTF8.self), vr: .CS)
        guard !terms.allSatisfy(\.isEmpty) else { return .default }
        return SpecificCharacterSet(terms: terms)
    }

    /// The first value of a string attribute (what the in-memory index groups by).
    static func first(_ tag: Tag, in dataSet: DataSet) -> String? {
        guard let element = dataSet[tag] else { return nil }
        return values(of: element, characterSet: characterSet(of: dataSet))?.first
    }

    /// The value for an index column: the one value when there is exactly one non-empty value,
    /// nil otherwise. A nil column never excludes a row in SQL (see `QueryPlan`), so a
    /// multi-valued or unreadable attribute is left to the matcher.
    static func column(_ tag: Tag, in dataSet: DataSet) -> String? {
        guard let element = dataSet[tag], let values = values(of: element, characterSet: characterSet(of: dataSet)),
              values.count == 1, !values[0].isEmpty
        else { return nil }
        return values[0]
    }

    /// A string element in the default repertoire, padded to even length.
    static func element(_ tag: Tag, _ vr: VR, _ values: [String]) -> DataElement {
        var bytes = Array(values.joined(separator: "\\").utf8)
        if bytes.count % 2 == 1 { bytes.append(vr.paddingByte) }
        return DataElement(tag: tag, vr: vr, bytes: bytes)
    }
}
