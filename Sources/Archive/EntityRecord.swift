import DICOM
import DICOMNetwork

/// The attributes of an entity (patient, study, series) built from its instances exactly as
/// `InstanceIndex` builds them, so that the archive answers queries as the in-memory reference
/// does: for every attribute of the entity's level and above, the first non-empty value among
/// its instances in the order they were stored; Specific Character Set from the first instance
/// that has one.
///
/// The merged set is kept in the entity's row and grown as instances arrive; it is rebuilt from
/// the remaining instances when one is replaced or deleted.
enum EntityRecord {
    /// Merges one instance's attributes into `record`. Stored entity records use the Patient Root
    /// model: at PATIENT, STUDY and SERIES level it selects the same attributes as Study Root.
    static func merge(_ attributes: DataSet, into record: inout DataSet, level: QueryRetrieveLevel,
                      model: QueryRetrieveModel = .patientRoot) {
        let characterSet = ElementText.characterSet(of: attributes)
        for element in attributes {
            if element.tag == ArchiveTag.specificCharacterSet {
                if record[element.tag] == nil { record.insert(element) }
                continue
            }
            guard let home = model.level(of: element.tag), home <= level else { continue }
            if let existing = record[element.tag], !ElementText.isEmpty(existing, characterSet: characterSet) { continue }
            record.insert(element)
        }
    }

    /// The instance's data set without bulk data: pixel data (group 7FE0, which holds no key of
    /// PS3.4 C.6, as `InstanceIndex.Entry` drops it) and any value the reader left in the file
    /// (large values, encapsulated fragments), at any depth. Those stay in the blob.
    static func withoutBulkData(_ dataSet: DataSet) -> DataSet {
        DataSet(dataSet.compactMap { element -> DataElement? in
            if element.tag.group == 0x7FE0 { return nil }
            switch element.value {
            case .bytes(.inline): return element
            case .bytes(.file), .encapsulated: return nil
            case .sequence(let items): return DataElement(tag: element.tag, vr: element.vr, value: .sequence(items.map(withoutBulkData)))
            }
        })
    }

    /// Stored as the data set encoded in Explicit VR Little Endian: the original bytes of every
    /// value, in their own character set, so nothing is lost to a conversion.
    static func encode(_ dataSet: DataSet) throws -> [UInt8] {
        try dataSet.encoded(in: .explicitVRLittleEndian)
    }

    static func decode(_ bytes: [UInt8]) throws -> DataSet {
        try DataSet(decoding: bytes, transferSyntax: .explicitVRLittleEndian)
    }
}
