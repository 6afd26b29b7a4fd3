import Foundation
import HTTPTypes
import Hummingbird

/// The web UI's files (Sources/Web/UI, a resource of this module), read once at start and
/// served under `/ui/` to anyone: they hold no data, no version and no server detail, and every
/// page asks the APIs for what it shows, with the session's cookie. `/` leads to them.
struct UIRoutes: Sendable {
    static let prefix = "/ui/"

    private let files: [String: (bytes: [UInt8], contentType: String)]

    init() {
        var files: [String: (bytes: [UInt8], contentType: String)] = [:]
        if let folder = Bundle.module.url(forResource: "UI", withExtension: nil),
           let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) {
            for name in names {
                guard let type = Self.contentTypes[(name as NSString).pathExtension],
                      let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else { continue }
                files[name] = ([UInt8](data), type)
            }
        }
        self.files = files
    }

    /// Whether the files were found (Rampart_Web.resources, next to the binary or where it was built).
    var isEmpty: Bool { files.isEmpty }

    /// Whether a request is for the UI's files (served without a credential).
    static func isUIFile(_ request: Request) -> Bool {
        request.method == .get && (request.uri.path == "/" || request.uri.path.hasPrefix(prefix))
    }

    func add(to router: Router<WebRequestContext>) {
        router.get("/") { _, _ in
            Response(status: .found, headers: [.location: Self.prefix])
        }
        router.get("/ui/") { _, _ in try file("index.html") }
        router.get("/ui/:name") { _, context in try file(context.parameters.require("name")) }
    }

    private func file(_ name: String) throws(WebProblem) -> Response {
        guard let file = files[name] else { throw WebProblem(.notFound, "no such page") }
        return Response(status: .ok, headers: [.contentType: file.contentType], body: ResponseBody(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }

    private static let contentTypes = ["html": "text/html; charset=utf-8", "css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8"]
}
