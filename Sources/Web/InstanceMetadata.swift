import Access
import DICOM

/// An instance's metadata as WADO-RS returns it (PS3.18 10.4.1.1.2): its data set as DICOM JSON
/// or XML, through the grant's view, without its bulk data.
///
/// Bulk data is left out rather than referenced: Rampart serves no bulkdata resource yet, so a
/// BulkDataURI would point nowhere. What counts as bulk: every Pixel Data-like value (group
/// 7FE0), encapsulated values, and binary values (OB, OD, OF, OL, OV, OW, UN) longer than
/// `inlineLimit`; shorter binary values stay inline, as InlineBinary.
enum InstanceMetadata {
    static let inlineLimit = 1024

    /// The metadata of the instance at `path`, written as `format` asks (one JSON object, or
    /// one Native DICOM Model document).
    static func encoded(_ path: String, view: AttributeView, as format: DataSetFormat) throws -> [UInt8] {
        let file = try DICOMFile(contentsOf: path)
        let stored = DataSet(file.dataSet.filter { $0.tag.group != 0x0002 })
        let shown = withoutBulkData(view.isFull ? stored : view.apply(to: stored))
        switch format {
        case .json: return try DICOMJSONWriter().bytes(shown)
        case .xml: return try DataSetFormat.xml(shown)
        }
    }

    static func withoutBulkData(_ dataSet: DataSet) -> DataSet {
        DataSet(dataSet.compactMap { element -> DataElement? in
            if element.tag.group == 0x7FE0 { return nil }
            switch element.value {
            case .encapsulated: return nil
            case .bytes(let storage): return element.vr.isBulk && storage.count > inlineLimit ? nil : element
            case .sequence(let items): return DataElement(tag: element.tag, items: items.map(withoutBulkData))
            }
        })
    }
}
