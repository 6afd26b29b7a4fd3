import DICOM
import NIOCore

/// How a QIDO-RS answer or a WADO-RS metadata answer is written, from the request's Accept
/// header (PS3.18 8.7.3.2, 8.7.3.3): DICOM JSON (the default), or
/// `multipart/related; type="application/dicom+xml"`, one Native DICOM Model document per part.
enum DataSetFormat: Sendable, Equatable {
    case json
    case xml

    static let xmlType = "application/dicom+xml"

    /// The first format the Accept header takes, in its order; a 406 naming both when none.
    init(accept: String?) throws(WebProblem) {
        guard let accept, !accept.trimmingCharacters(in: .whitespaces).isEmpty else {
            self = .json
            return
        }
        for range in MediaRange.accepted(accept) {
            switch range.type {
            case MediaType.dicomJSON, "application/json", "*/*", "application/*":
                self = .json
                return
            case Self.xmlType:
                self = .xml
                return
            case "multipart/related" where range.parameters["type"]?.lowercased() == Self.xmlType:
                self = .xml
                return
            default:
                continue
            }
        }
        throw WebProblem(.notAcceptable, #"this resource is served as application/dicom+json or multipart/related; type="application/dicom+xml", not "#
            + accept)
    }

    /// The body's Content-Type; the multipart boundary for XML.
    func contentType(boundary: String) -> String {
        switch self {
        case .json: MediaType.dicomJSON
        case .xml: #"multipart/related; type="application/dicom+xml"; boundary="# + boundary
        }
    }

    /// The whole body of data sets that are all at hand (a QIDO-RS page).
    func body(_ dataSets: [DataSet], boundary: String) throws(WebProblem) -> [UInt8] {
        switch self {
        case .json:
            return try DICOMJSON.array(dataSets)
        case .xml:
            var body: [UInt8] = []
            for dataSet in dataSets {
                body += MultipartRelated.partHead(boundary: boundary, contentType: Self.xmlType)
                body += try Self.xml(dataSet)
                body += MultipartRelated.partEnd
            }
            return body + MultipartRelated.close(boundary: boundary)
        }
    }

    static func xml(_ dataSet: DataSet, bulkDataURI: BulkDataURIProvider? = nil) throws(WebProblem) -> [UInt8] {
        do {
            return try DICOMXMLWriter(options: .init(bulkDataURI: bulkDataURI, includeXMLDeclaration: true)).bytes(dataSet)
        } catch {
            throw WebProblem(.internalServerError, "an answer could not be written as DICOM XML: \(error)")
        }
    }
}
