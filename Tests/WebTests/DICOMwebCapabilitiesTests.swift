import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
@testable import Web

/// The Retrieve Capabilities transaction (PS3.18 10.8) through the router: a WADL document that
/// lists exactly the routes the server has, to a caller who proved who they are.
@Suite struct DICOMwebCapabilitiesTests {
    private static func request(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, accept: String? = nil,
                                role: String? = "radiologist") async throws -> TestResponse {
        var headers: HTTPFields = role.map { WebFixture.bearer($0) } ?? [:]
        if let accept { headers[.accept] = accept }
        return try await client.execute(uri: "/dicomweb", method: method, headers: headers, body: nil)
    }

    @Test func optionsAnswersAWADLDocumentOfEveryRouteTheServerHas() async throws {
        let fixture = try WebFixture()
        defer { fixture.remove() }
        // The DICOMweb routes: the session and UI routes are the web UI's, not DICOMweb resources.
        // A catch-all segment is listed as a template parameter.
        let served = Set(fixture.server.router().routes.map { "\($0.method.rawValue) \($0.path.description)" }.filter { $0.contains(" /dicomweb") }
            .map { $0.replacingOccurrences(of: "**", with: "{path}") })
        try await fixture.test { client in
            let response = try await Self.request(client, .options)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/vnd.sun.wadl+xml")
            #expect(response.headers[.allow] == "GET, OPTIONS")
            let listed = try WADLRoutes(Data(response.body.readableBytesView))
            #expect(listed.namespace == WADLDocument.namespace)
            #expect(Set(listed.routes) == served)
            #expect(listed.routes.count == served.count)
            // What each kind of resource says it answers with.
            #expect(listed.answers["GET /dicomweb/studies"] == ["application/dicom+json", #"multipart/related; type="application/dicom+xml""#])
            #expect(listed.answers["GET /dicomweb/studies/{study}/series/{series}/instances/{instance}"] == [#"multipart/related; type="application/dicom""#])
            #expect(listed.answers["GET /dicomweb/studies/{study}/metadata"] == ["application/dicom+json", #"multipart/related; type="application/dicom+xml""#])
            #expect(listed.answers["POST /dicomweb/studies"] == ["application/dicom+json"])
            #expect(listed.answers["GET /dicomweb/studies/{study}/series/{series}/instances/{instance}/frames/{frames}/rendered"] == ["image/jpeg", "image/png"])
            #expect(listed.answers["GET /dicomweb/studies/{study}/thumbnail"] == ["image/jpeg", "image/png"])
        }
    }

    @Test func getAnswersTheSameDocumentWhenItAcceptsWADLAndA406Otherwise() async throws {
        let fixture = try WebFixture()
        defer { fixture.remove() }
        try await fixture.test { client in
            let options = try await Self.request(client, .options)
            let get = try await Self.request(client, .get, accept: "application/vnd.sun.wadl+xml")
            #expect(get.status == .ok)
            #expect(get.body == options.body)
            let json = try await Self.request(client, .get, accept: "application/dicom+json")
            #expect(json.status == .notAcceptable)
            #expect(json.headers[.contentType] == "application/problem+json")
        }
    }

    @Test func anAnonymousCallerGetsThe401AndNoDocument() async throws {
        let fixture = try WebFixture()
        defer { fixture.remove() }
        try await fixture.test { client in
            let response = try await Self.request(client, .options, role: nil)
            #expect(response.status == .unauthorized)
            #expect(!String(buffer: response.body).contains("studies"))
        }
        #expect(fixture.decisions.recorded.contains { !$0.allowed && $0.action == .associate })
    }
}

/// "METHOD /base/path" of each method of a WADL document, read with Foundation's XML parser, and
/// the media types of each one's response.
private final class WADLRoutes: NSObject, XMLParserDelegate {
    private(set) var namespace: String?
    private(set) var routes: [String] = []
    private(set) var answers: [String: [String]] = [:]
    private var base = ""
    private var path = ""
    private var route: String?
    private var inResponse = false

    init(_ data: Data) throws {
        super.init()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.delegate = self
        guard parser.parse() else { throw parser.parserError ?? CocoaError(.coderReadCorrupt) }
    }

    func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        switch element {
        case "application": namespace = namespaceURI
        case "resources": base = attributes["base"] ?? ""
        case "resource": path = attributes["path"] ?? ""
        case "method":
            let full = base + path
            let route = "\(attributes["name"] ?? "") \(full.count > 1 && full.hasSuffix("/") ? String(full.dropLast()) : full)"
            routes.append(route)
            self.route = route
        case "response": inResponse = true
        case "representation" where inResponse:
            if let route, let type = attributes["mediaType"] { answers[route, default: []].append(type) }
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
        if element == "response" { inResponse = false }
    }
}
