import Foundation
import HTTPTypes
import Hummingbird

/// An error answered as RFC 9457 problem details (`application/problem+json`): a status, a
/// title, and a detail that tells the caller what to do. It never carries patient data, a stack,
/// or the server's version.
public struct WebProblem: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let detail: String
    /// Extra response headers, such as `WWW-Authenticate` on a 401.
    public let headers: HTTPFields

    public init(_ status: HTTPResponse.Status, _ detail: String, headers: HTTPFields = [:]) {
        self.status = status
        self.detail = detail
        self.headers = headers
    }

    public var description: String { "\(status.code) \(status.reasonPhrase): \(detail)" }

    /// No credential, or one that proves nothing: the same answer whatever was asked, so an
    /// anonymous caller learns neither what exists nor what runs here (RFC 6750 3).
    public static func unauthorized(_ detail: String = "authentication required: send a bearer token (rampart token issue), or HTTP Basic credentials: a service account and its API key") -> WebProblem {
        WebProblem(.unauthorized, detail, headers: [.wwwAuthenticate: #"Bearer realm="rampart""#])
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var object: [String: Any] = ["status": Int(status.code), "title": status.reasonPhrase, "detail": detail]
        object["type"] = "about:blank"
        let body = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
