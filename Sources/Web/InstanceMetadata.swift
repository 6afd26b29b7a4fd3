import Access
import DICOM

/// An instance's metadata as WADO-RS returns it (PS3.18 10.4.1.1.2): its data set as DICOM JSON
/// or XML, through the grant's view, its bulk data as BulkDataURIs (PS3.18 10.4.1.1.5) under
/// the instance's `bulkdata` resource (`BulkDataPath`).
///
/// What counts as bulk: every Pixel Data-like value (group 7FE0), encapsulated values, and
/// binary values (OB, OD, OF, OL, OV, OW, UN) longer than `inlineLimit`; shorter binary values
/// stay inline, as InlineBinary.
enum InstanceMetadata {
    static let inlineLimit = 1024

    /// The metadata of the instance at `path`, written as `format` asks (one JSON object, or
    /// one Native DICOM Model document). With no `bulkDataURL` (the request named no usable
    /// host) bulk data is left out rather than given a URI that points nowhere.
    static func encoded(_ path: String, view: AttributeView, as format: DataSetFormat, bulkDataURL: String?) throws -> [UInt8] {
        let file = try DICOMFile(contentsOf: path)
        let stored = DataSet(file.dataSet.filter { $0.tag.group != 0x0002 })
        let viewed = view.isFull ? stored : view.apply(to: stored)
        guard let bulkDataURL else {
            let shown = withoutBulkData(viewed)
            switch format {
            case .json: return try DICOMJSONWriter().bytes(shown)
            case .xml: return try DataSetFormat.xml(shown)
            }
        }
        let uri: BulkDataURIProvider = { path, element in
            isBulk(element) ? "\(bulkDataURL)/\(BulkDataPath(path).text)" : nil
        }
        switch format {
        case .json: return try DICOMJSONWriter(options: .init(bulkDataURI: uri)).bytes(viewed)
        case .xml: return try DataSetFormat.xml(viewed, bulkDataURI: uri)
        }
    }

    static func isBulk(_ element: DataElement) -> Bool {
        if element.tag.group == 0x7FE0 { return true }
        switch element.value {
        case .encapsulated: return true
        case .bytes(let storage): return element.vr.isBulk && storage.count > inlineLimit
        case .sequence: return false
        }
    }

    static func withoutBulkData(_ dataSet: DataSet) -> DataSet {
        DataSet(dataSet.compactMap { element -> DataElement? in
            switch element.value {
            case .sequence(let items): return DataElement(tag: element.tag, items: items.map(withoutBulkData))
            case .bytes, .encapsulated: return isBulk(element) ? nil : element
            }
        })
    }
}
