import DICOM
import DICOMNetwork

/// Index columns read string values exactly as the Query/Retrieve matcher does (`ElementText`):
/// decoded in the data set's Specific Character Set and stripped of insignificant spaces
/// (PS3.5 6.2). If they disagreed, SQL would drop records the matcher accepts.
enum AttributeText {
    static func values(of element: DataElement, characterSet: SpecificCharacterSet) -> [String]? {
        ElementText.values(of: element, vr: ElementText.effectiveVR(of: element), characterSet: characterSet)
    }

    /// The first value of a string attribute (what the in-memory index groups by).
    static func first(_ tag: Tag, in dataSet: DataSet) -> String? {
        guard let element = dataSet[tag] else { return nil }
        return values(of: element, characterSet: ElementText.characterSet(of: dataSet))?.first
    }

    /// The value for an index column: the one value when there is exactly one non-empty value,
    /// nil otherwise. A nil column never excludes a row in SQL (see `QueryPlan`), so a
    /// multi-valued or unreadable attribute is left to the matcher.
    static func column(_ tag: Tag, in dataSet: DataSet) -> String? {
        guard let element = dataSet[tag], let values = values(of: element, characterSet: ElementText.characterSet(of: dataSet)),
              values.count == 1, !values[0].isEmpty
        else { return nil }
        return values[0]
    }
}
