import HTTPTypes
import Hummingbird
import NIOCore

/// The Retrieve Capabilities transaction (PS3.18 10.8): `OPTIONS /dicomweb`, or a `GET
/// /dicomweb` that accepts WADL, answers a WADL document (`application/vnd.sun.wadl+xml`, the
/// capabilities resource of PS3.18 8.9) naming each resource served below /dicomweb, its
/// methods, and the media types each takes and answers with; `OPTIONS` on one resource
/// answers that resource's part of it. Like every request it passes the
/// authentication middleware first (an anonymous caller gets the same 401 as anywhere); it
/// names no patient data, so the gate is not asked and nothing is disclosed.
///
/// The resources are read off the routes: the search, retrieve, store, WADO-URI and delete routes are added to
/// routers of their own and listed from there, so the document cannot drift from what is served.
extension DICOMwebServices {
    func addCapabilitiesRoutes(to group: RouterGroup<WebRequestContext>) {
        let capabilities = capabilities
        let document = ByteBuffer(string: capabilities.xml)
        let allowed = Self.capabilitiesMethods.map(\.rawValue).joined(separator: ", ")
        for method in Self.capabilitiesMethods {
            group.on("", method: method) { request, _ in
                try Self.accept(request, [MediaType.wadl, "application/xml"])
                return Response(status: .ok, headers: [.contentType: MediaType.wadl, .allow: allowed],
                                body: ResponseBody(byteBuffer: document))
            }
        }
        // OPTIONS on each resource (PS3.18 8.9): its part of the document, its methods in Allow.
        for path in capabilities.resourcePaths where !path.isEmpty {
            guard let resource = capabilities.resource(at: path) else { continue }
            let answer = ByteBuffer(string: resource.xml)
            let methods = resource.methods.joined(separator: ", ")
            let route = path.split(separator: "/").map { segment in
                segment == "{path}" ? "**" : segment.first == "{" ? ":" + segment.dropFirst().dropLast() : String(segment)
            }.joined(separator: "/")
            group.on(RouterPath(route), method: .options) { request, _ in
                try Self.accept(request, [MediaType.wadl, "application/xml"])
                return Response(status: .ok, headers: [.contentType: MediaType.wadl, .allow: methods], body: ResponseBody(byteBuffer: answer))
            }
        }
    }

    private static let capabilitiesMethods: [HTTPRequest.Method] = [.get, .options]

    /// The WADL of every route `addRoutes` adds, relative to /dicomweb/.
    var capabilities: WADLDocument {
        var document = WADLDocument(base: WebServer.dicomwebPrefix + "/")
        // QIDO-RS query parameters (PS3.18 8.3.4); attribute keys are any keyword or tag, so unlisted.
        let search = [WADLDocument.Parameter(name: "limit", style: .query, type: "xsd:unsignedInt"),
                      WADLDocument.Parameter(name: "offset", style: .query, type: "xsd:unsignedInt"),
                      WADLDocument.Parameter(name: "fuzzymatching", style: .query, type: "xsd:boolean"),
                      WADLDocument.Parameter(name: "includefield", style: .query, repeating: true)]
        for (method, path) in Self.routes(addSearchRoutes(to:)) {
            document.add(.init(name: method, parameters: search, answers: [MediaType.dicomJSON, MediaType.multipartDICOMXML]), at: path)
        }
        for (method, path) in Self.routes(addRetrieveRoutes(to:)) {
            // Metadata resources are DICOM JSON or XML (PS3.18 10.4.1.1.2), frames raw bytes; the others multipart Part 10.
            let answers = path.hasSuffix("/metadata") ? [MediaType.dicomJSON, MediaType.multipartDICOMXML]
                : path.contains("/frames/") || path.contains("/bulkdata/") ? [MediaType.multipartOctetStream, MediaType.multipartCompressedPixels]
                : [MediaType.multipartDICOM]
            document.add(.init(name: method, answers: answers), at: path)
        }
        // Rendered resources and thumbnails (PS3.18 8.3.5.1): one image, JPEG or PNG.
        let rendering = ["accept", "window", "viewport", "quality", "annotation"].map { WADLDocument.Parameter(name: $0, style: .query) }
        for (method, path) in Self.routes(addRenderedRoutes(to:)) {
            document.add(.init(name: method, parameters: rendering, answers: ["image/jpeg", "image/png"]), at: path)
        }
        for (method, path) in Self.routes(addStoreRoutes(to:)) {
            // 200 all stored, 202 some, 409 none (PS3.18 10.5.3.1): each with the response data set.
            document.add(.init(name: method, accepts: [MediaType.multipartDICOM, MediaType.multipartDICOMJSON, MediaType.multipartDICOMXML],
                               statuses: [200, 202, 409], answers: [MediaType.dicomJSON]),
                         at: path)
        }
        // WADO-URI (PS3.18 9.2): the object by its UIDs, as application/dicom or rendered.
        let uri = ["requestType", "studyUID", "seriesUID", "objectUID", "contentType", "transferSyntax", "windowCenter", "windowWidth",
                   "rows", "columns", "frameNumber", "imageQuality", "annotation"].map {
            WADLDocument.Parameter(name: $0, style: .query)
        }
        for (method, path) in Self.routes(addURIRoutes(to:)) {
            document.add(.init(name: method, parameters: uri, answers: [MediaType.dicom, "image/jpeg", "image/png"]), at: path)
        }
        // DELETE (not in PS3.18; see addDeleteRoutes): no body.
        for (method, path) in Self.routes(addDeleteRoutes(to:)) {
            document.add(.init(name: method, statuses: [204], answers: []), at: path)
        }
        for method in Self.capabilitiesMethods {
            document.add(.init(name: method.rawValue, answers: [MediaType.wadl]), at: "")
        }
        for path in document.resourcePaths where !path.isEmpty {
            document.add(.init(name: HTTPRequest.Method.options.rawValue, answers: [MediaType.wadl]), at: path)
        }
        return document
    }

    /// The method and path (without the leading slash) of each route that `add` adds to a group.
    private static func routes(_ add: (RouterGroup<WebRequestContext>) -> Void) -> [(method: String, path: String)] {
        let probe = Router(context: WebRequestContext.self)
        add(probe.group())
        // A catch-all segment (the bulk data path) is written as a template parameter.
        return probe.routes.map { ($0.method.rawValue, String($0.path.description.drop { $0 == "/" }).replacingOccurrences(of: "**", with: "{path}")) }
    }
}

extension MediaType {
    /// WADL (PS3.18 8.9.1).
    static let wadl = "application/vnd.sun.wadl+xml"
    static let multipartDICOM = #"multipart/related; type="application/dicom""#
    static let multipartDICOMXML = #"multipart/related; type="application/dicom+xml""#
    static let multipartDICOMJSON = #"multipart/related; type="application/dicom+json""#
    static let multipartOctetStream = #"multipart/related; type="application/octet-stream""#
    /// Compressed frames as stored, in their transfer syntax's media type (`FrameMediaType`).
    static let multipartCompressedPixels = #"multipart/related; type="image/*""#
}
