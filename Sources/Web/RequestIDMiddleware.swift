import HTTPTypes
import Hummingbird

/// Gives every request an ID that its log lines carry and its response returns in
/// X-Request-ID, so that an operator can find a user's failed request in the log. An ID sent
/// by a proxy in front (X-Request-ID) is kept when it is a short plain token, so that both logs
/// name the request alike; anything else is replaced, never written to the log.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext

    static let header = HTTPField.Name("X-Request-ID")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let sent = request.headers[Self.header], Self.isPlainToken(sent) { context.requestID = sent }
        var response = try await next(request, context)
        response.headers[Self.header] = context.requestID
        return response
    }

    /// 1 to 64 letters, digits, `-`, `_` or `.`: what a proxy's IDs (UUIDs, hex) look like, and
    /// nothing that could forge a log line or carry data.
    static func isPlainToken(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count)
            && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E }
    }
}
