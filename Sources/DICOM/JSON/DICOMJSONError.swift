/// Why a DICOM JSON document (PS3.18 Annex F) could not be read.
public enum DICOMJSONError: Error, Sendable, CustomStringConvertible {
    /// Not JSON: where (line and column from 1, byte offset from 0) and what was found.
    case malformedJSON(line: Int, column: Int, offset: Int, reason: String)
    /// JSON, but not an object (or array of objects) of attributes.
    case notADataSet(found: String)
    /// A member name that is not a tag of eight hexadecimal digits, in the data set reached by `steps`.
    case invalidKey(String, steps: [ElementPath.Step])
    case invalidAttribute(ElementPath, AttributeProblem)

    public var description: String {
        switch self {
        case let .malformedJSON(line, column, offset, reason):
            "not valid JSON at line \(line), column \(column) (byte \(offset)): \(reason)"
        case .notADataSet(let found):
            "DICOM JSON must be an object of attributes or an array of them, found \(found)"
        case let .invalidKey(key, steps):
            "member name \"\(key.prefix(40))\"\(Self.place(steps)) is not a tag of 8 hexadecimal digits (PS3.18 F.2.1.1)"
        case let .invalidAttribute(path, problem):
            "attribute \(path) \(problem)"
        }
    }

    static func place(_ steps: [ElementPath.Step]) -> String {
        guard !steps.isEmpty else { return "" }
        return " in " + steps.map { "\($0.sequence)[\($0.item + 1)]" }.joined(separator: "/")
    }
}
