/// What is wrong with one attribute of a DICOM JSON or XML document; the reader's error names
/// the attribute (`ElementPath`) alongside.
public enum AttributeProblem: Sendable, Equatable, CustomStringConvertible {
    case missingVR
    case unknownVR(String)
    /// The attribute holds something other than the VR allows, e.g. "Value" for an OB attribute.
    case unexpectedContent(expected: String, found: String)
    /// Value `index` (from 1) cannot be read as the VR requires.
    case invalidValue(index: Int, text: String, vr: VR)
    case outOfRange(index: Int, text: String, vr: VR)
    /// Value `index` is empty (null), which a binary VR has no way to encode.
    case emptyBinaryValue(index: Int, vr: VR)
    case invalidBase64
    /// A BulkDataURI, but the reader was given no resolver to fetch it.
    case unresolvedBulkData(uri: String)
    case duplicateTag
    /// A private attribute names a creator that cannot be given a block: all 240 are in use.
    case noFreePrivateBlock(creator: String)

    public var description: String {
        switch self {
        case .missingVR:
            "has no \"vr\" and the data dictionary does not know the tag"
        case .unknownVR(let vr):
            "has VR \"\(vr)\", which is not one of the 34 VRs of PS3.5 6.2"
        case let .unexpectedContent(expected, found):
            "should hold \(expected), but holds \(found)"
        case let .invalidValue(index, text, vr):
            "value \(index) \(Self.quote(text)) is not a valid \(vr)"
        case let .outOfRange(index, text, vr):
            "value \(index) \(Self.quote(text)) is out of the range of \(vr)"
        case let .emptyBinaryValue(index, vr):
            "value \(index) is empty (null), which \(vr) cannot encode"
        case .invalidBase64:
            "has InlineBinary that is not valid base64"
        case .unresolvedBulkData(let uri):
            "refers to bulk data at \(Self.quote(uri)), but no bulk data resolver was given"
        case .duplicateTag:
            "appears more than once in the same data set"
        case .noFreePrivateBlock(let creator):
            "belongs to private creator \(Self.quote(creator)), but its group has no free block left"
        }
    }

    /// Long values cut short: an error message is not the place for a megabyte of text.
    private static func quote(_ text: String) -> String {
        let shown = text.count > 64 ? String(text.prefix(64)) + "…" : text
        return "\"" + shown + "\""
    }
}
