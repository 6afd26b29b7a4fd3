import Access
import Archive
import Foundation
import DICOM
import DICOMNetwork
import HTTPTypes
import Hummingbird

/// QIDO-RS (PS3.18 10.6): the searches of every level, and the relational ones, answered as
/// `application/dicom+json` or as `multipart/related; type="application/dicom+xml"` from the
/// archive's index, with C-FIND's matching rules.
extension DICOMwebServices {
    func addSearchRoutes(to group: RouterGroup<WebRequestContext>) {
        group.get("studies") { request, context in
            try await search(.study, request, context)
        }
        group.get("series") { request, context in
            try await search(.series, request, context)
        }
        group.get("instances") { request, context in
            try await search(.image, request, context)
        }
        group.get("studies/:study/series") { request, context in
            try await search(.series, request, context, study: context.parameters.get("study"))
        }
        group.get("studies/:study/instances") { request, context in
            try await search(.image, request, context, study: context.parameters.get("study"))
        }
        group.get("studies/:study/series/:series/instances") { request, context in
            try await search(.image, request, context, study: context.parameters.get("study"), series: context.parameters.get("series"))
        }
    }

    private func search(_ level: QueryRetrieveLevel, _ request: Request, _ context: WebRequestContext, study: String? = nil,
                        series: String? = nil) async throws -> Response {
        let format = try DataSetFormat(accept: request.headers[.accept])
        let parameters = request.uri.queryParameters.map { (name: String($0.key), value: String($0.value)) }
        let query = try QIDOQuery(level: level, parameters: parameters, studyUID: study, seriesUID: series)
        let grant = try await grant(.query, context,
                                    concerning: AccessSubjects(query: query.identifier, sopClassUID: QueryRetrieveModel.studyRoot.findSOPClassUID))
        var options = QueryMatchingOptions()
        // A path without the parent's UID is a relational search (PS3.18 10.6.1.2).
        options.relational = true
        options.caseInsensitivePersonNames = caseInsensitivePersonNames.value || query.fuzzyMatching
        let identifier: QueryIdentifier
        do {
            // Keys the view hides match anything: a search must not reveal what it hides.
            identifier = try QueryIdentifier(grant.view.matchingOnlyWhatItShows(query.identifier), model: .studyRoot, operation: .find,
                                             options: options)
        } catch {
            throw WebProblem(.badRequest, "\(error)")
        }
        let found = try archive.find(identifier, everyAttribute: query.everyAttribute, limit: query.answersNeeded, grant: grant)
        let (page, truncated) = query.page(found)
        try record(.answers, page.map { ($0.string(WebTag.patientID) ?? "", $0.string(WebTag.studyInstanceUID) ?? "") }, grant: grant)
        // DESIGN.md rule 4: each answer leaves as the principal's view shows it.
        let answers = page.map { answer in
            var shown = grant.view.apply(to: answer)
            _ = shown.remove(WebTag.queryRetrieveLevel)
            return shown
        }
        let boundary = MultipartRelated.newBoundary()
        var headers: HTTPFields = [.contentType: format.contentType(boundary: boundary)]
        if truncated {
            headers[Self.warning] = #"299 rampart "The number of results exceeded the maximum supported by the server. Additional results can be requested.""#
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: try format.body(answers, boundary: boundary))))
    }

    /// RFC 9111 5.5, as PS3.18 uses it for what a server did not do (299, a persistent warning).
    static let warning = HTTPField.Name("Warning")!
}

/// The media types of PS3.18 8.7.
enum MediaType {
    static let dicomJSON = "application/dicom+json"
    static let dicom = "application/dicom"
}

/// DICOM JSON (PS3.18 F) bodies.
enum DICOMJSON {
    static func array(_ dataSets: [DataSet]) throws(WebProblem) -> [UInt8] {
        var sink = ByteArraySink()
        do {
            try DICOMJSONWriter().write(dataSets, to: &sink)
        } catch {
            throw WebProblem(.internalServerError, "an answer could not be written as DICOM JSON: \(error)")
        }
        return sink.bytes
    }
}
