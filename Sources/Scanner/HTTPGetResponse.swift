import NIOHTTP1

/// What a server answered to one GET: status, headers, and the start of the body.
struct HTTPGetResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    /// At most `ScanOptions.maximumBodyBytes`.
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
}
