/// An attribute as a JSON or XML document gives it, before its value is encoded: both readers
/// parse into this, and `DataSetAssembler` turns it into data elements.
struct ParsedAttribute {
    enum Content {
        case empty
        /// The text of each value (numbers as written); nil for an empty value.
        case values([String?])
        /// Each person name as DICOM text ("Family^Given=…"); nil for an empty value.
        case personNames([String?])
        case items([[ParsedAttribute]])
        case inlineBinary([UInt8])
        case encapsulated(EncapsulatedPixelData)
        case bulkDataURI(String)

        var kind: String {
            switch self {
            case .empty: "no value"
            case .values: "Value"
            case .personNames: "person names"
            case .items: "sequence items"
            case .inlineBinary: "InlineBinary"
            case .encapsulated: "fragments"
            case .bulkDataURI: "a BulkDataURI"
            }
        }
    }

    var tag: Tag
    var vr: VR
    var content: Content
}
