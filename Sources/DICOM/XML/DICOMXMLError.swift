/// Why a Native DICOM Model document (PS3.19 A.1) could not be read.
public enum DICOMXMLError: Error, Sendable, CustomStringConvertible {
    /// Not well-formed XML (or in an encoding this reader does not take).
    case malformedXML(line: Int, column: Int, reason: String)
    /// Well-formed, but the root element is not NativeDicomModel.
    case notNativeDicomModel(root: String)
    /// A DicomAttribute whose "tag" is missing or not eight hexadecimal digits, in the data set
    /// reached by `steps`.
    case invalidTag(String?, steps: [ElementPath.Step])
    case invalidAttribute(ElementPath, AttributeProblem)

    public var description: String {
        switch self {
        case let .malformedXML(line, column, reason):
            "not well-formed XML at line \(line), column \(column): \(reason)"
        case .notNativeDicomModel(let root):
            "the root element is <\(root)>, not <NativeDicomModel> (PS3.19 A.1)"
        case let .invalidTag(tag?, steps):
            "DicomAttribute tag=\"\(tag.prefix(40))\"\(DICOMJSONError.place(steps)) is not 8 hexadecimal digits"
        case let .invalidTag(nil, steps):
            "DicomAttribute\(DICOMJSONError.place(steps)) has neither a tag nor a keyword the data dictionary knows"
        case let .invalidAttribute(path, problem):
            "DicomAttribute \(path) \(problem)"
        }
    }
}
