/// The Specific Character Set in force for a data set: its own (0008,0005), or the one of the
/// data set that contains it (PS3.5 6.1.2.5.3: an item without the attribute inherits it).
enum CharacterSetScope {
    static func characterSet(of dataSet: DataSet, inherited: SpecificCharacterSet) -> SpecificCharacterSet {
        guard let element = dataSet[.specificCharacterSet] else { return inherited }
        let terms = element.strings
        if terms.allSatisfy(\.isEmpty) { return .default }
        return SpecificCharacterSet(terms: terms)
    }
}
