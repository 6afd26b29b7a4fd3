import DICOM

extension QueryIdentifier {
    /// The C-FIND response identifier for a matching record (PS3.4 C.4.1.1.3.2): every requested
    /// key with the record's value, or zero-length when the record has none; Query/Retrieve
    /// Level; Query/Retrieve View when the request had one; and the record's Specific Character
    /// Set when it has one, as the values are the record's bytes.
    ///
    /// A sequence key with item keys returns the record's items that match them, each holding
    /// only the requested attributes; a sequence key without item keys returns the whole
    /// sequence (PS3.4 C.2.2.2.6). A multi-valued attribute is returned with all its values
    /// (PS3.4 C.2.2.3).
    public func response(for record: DataSet) -> DataSet {
        response(for: record, retrieveAETitle: nil)
    }

    /// The response identifier, with Retrieve AE Title (0008,0054) set to `retrieveAETitle`
    /// (the AE a C-MOVE or C-GET for this entity should go to, PS3.4 C.4.1.1.3.2) when given.
    public func response(for record: DataSet, retrieveAETitle: String?) -> DataSet {
        var response = DataSet()
        let recordCharacterSet = ElementText.characterSet(of: record)
        if let declared = record[QueryTag.specificCharacterSet] { response.insert(declared) }
        response.insert(DataElement.text(QueryTag.queryRetrieveLevel, .CS, [level.rawValue]))
        if let queryRetrieveView { response.insert(queryRetrieveView) }
        for key in keys {
            response.insert(answer(key, from: record, keyCharacterSet: characterSet, recordCharacterSet: recordCharacterSet))
        }
        if let retrieveAETitle {
            response.insert(DataElement.text(QueryTag.retrieveAETitle, .AE, [retrieveAETitle]))
        }
        return response
    }

    private func answer(_ key: DataElement, from record: DataSet, keyCharacterSet: SpecificCharacterSet,
                        recordCharacterSet: SpecificCharacterSet) -> DataElement {
        // A private creator names the block of the private keys that follow; the record's own
        // creator is returned when it has one at that element, the request's otherwise.
        if key.tag.isPrivateCreator { return record[key.tag] ?? key }
        guard let value = record[key.tag] else { return ElementText.empty(key.tag, vr: ElementText.effectiveVR(of: key)) }
        guard let keyItem = key.items?.first, keyItem.contains(where: { !QueryKeyTables.isControlAttribute($0.tag) }),
              let items = value.items
        else { return value }
        let itemKeyCharacterSet = ElementText.characterSet(of: keyItem, inherited: keyCharacterSet)
        let matcher = RecordMatcher(itemKeys: keyItem, inherited: keyCharacterSet, options: options)
        let kept = items.filter { matcher.matches($0, inherited: recordCharacterSet) }.map { item in
            var reduced = DataSet()
            let itemCharacterSet = ElementText.characterSet(of: item, inherited: recordCharacterSet)
            if let declared = item[QueryTag.specificCharacterSet] { reduced.insert(declared) }
            for itemKey in keyItem where itemKey.tag != QueryTag.specificCharacterSet {
                reduced.insert(answer(itemKey, from: item, keyCharacterSet: itemKeyCharacterSet, recordCharacterSet: itemCharacterSet))
            }
            return reduced
        }
        return DataElement(tag: key.tag, items: kept)
    }
}
