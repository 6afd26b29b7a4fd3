import DICOM

/// Reading and writing the text of string elements for matching, in the character set of the
/// data set they came from (PS3.4 C.2.2.2: Specific Character Set "specifies how other
/// Attributes are encoded in the Request and Response Identifiers").
public enum ElementText {
    /// The VR to read an element by: its own, or the dictionary's when it arrived as UN
    /// (an implicit VR identifier with a tag the sender's dictionary lacked, PS3.5 6.2.2).
    public static func effectiveVR(of element: DataElement) -> VR {
        guard element.vr == .UN else { return element.vr }
        return DataDictionary.entry(for: element.tag)?.vr ?? .UN
    }

    /// The values of a string element, decoded and stripped of insignificant spaces
    /// (PS3.5 6.2); nil when the element holds no string or cannot be read.
    public static func values(of element: DataElement, vr: VR, characterSet: SpecificCharacterSet) -> [String]? {
        guard vr.isString, case .bytes = element.value, let bytes = try? element.loadBytes() else { return nil }
        let text = characterSet.decode(bytes[...], vr: vr)
        return TextValue.split(text, vr: vr)
    }

    /// True when the element has no value: zero length, only padding, or no items.
    public static func isEmpty(_ element: DataElement, characterSet: SpecificCharacterSet) -> Bool {
        switch element.value {
        case .sequence(let items): return items.isEmpty
        case .encapsulated: return false
        case .bytes:
            let vr = effectiveVR(of: element)
            if vr.isString {
                return values(of: element, vr: vr, characterSet: characterSet)?.allSatisfy(\.isEmpty) ?? true
            }
            return (try? element.loadBytes())?.isEmpty ?? true
        }
    }

    /// The character set a data set declares, or `inherited` when it declares none (an item of
    /// a sequence inherits its parent's, PS3.5 7.5.3).
    public static func characterSet(of dataSet: DataSet, inherited: SpecificCharacterSet = .default) -> SpecificCharacterSet {
        guard let element = dataSet[QueryTag.specificCharacterSet], let bytes = try? element.loadBytes() else { return inherited }
        let terms = TextValue.split(String(decoding: bytes, as: UTF8.self), vr: .CS)
        guard !terms.allSatisfy(\.isEmpty) else { return inherited }
        return SpecificCharacterSet(terms: terms)
    }

    /// A zero-length element: the answer for a requested key the entity has no value for
    /// (PS3.4 C.4.1.1.3.2).
    public static func empty(_ tag: Tag, vr: VR) -> DataElement {
        vr == .SQ ? DataElement(tag: tag, items: []) : DataElement(tag: tag, vr: vr, bytes: [])
    }
}
