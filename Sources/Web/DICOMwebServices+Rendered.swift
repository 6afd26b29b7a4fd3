import Access
import Archive
import HTTPTypes
import Hummingbird
import Imaging
import NIOCore
import NIOPosix

/// WADO-RS rendered resources (PS3.18 10.4.1.1.3, 8.3.5.1) and thumbnails (PS3.18 10.4.1.1.4
/// thumbnail resources): one frame of an instance's native pixel data as image/jpeg (the
/// default) or image/png, through the same gate, record and 404s as the instance resource.
///
/// The study and series rendered resources are absent: the standard's representation of them is
/// a multipart of every image, which Rampart does not produce; their thumbnails serve instead.
extension DICOMwebServices {
    func addRenderedRoutes(to group: RouterGroup<WebRequestContext>) {
        group.get("studies/:study/series/:series/instances/:instance/rendered") { request, context in
            try await rendered(request, context, try Self.target(context), frame: nil, thumbnail: false)
        }
        group.get("studies/:study/series/:series/instances/:instance/frames/:frames/rendered") { request, context in
            try await rendered(request, context, try Self.target(context), frame: try Self.oneFrame(context), thumbnail: false)
        }
        group.get("studies/:study/thumbnail") { request, context in
            try await rendered(request, context, try Self.target(context), frame: nil, thumbnail: true)
        }
        group.get("studies/:study/series/:series/thumbnail") { request, context in
            try await rendered(request, context, try Self.target(context), frame: nil, thumbnail: true)
        }
        group.get("studies/:study/series/:series/instances/:instance/thumbnail") { request, context in
            try await rendered(request, context, try Self.target(context), frame: nil, thumbnail: true)
        }
        group.get("studies/:study/series/:series/instances/:instance/frames/:frames/thumbnail") { request, context in
            try await rendered(request, context, try Self.target(context), frame: try Self.oneFrame(context), thumbnail: true)
        }
    }

    /// Thumbnails fit this when the request gives no viewport.
    static let thumbnailViewport = Viewport(width: 128, height: 128)

    private static func oneFrame(_ context: WebRequestContext) throws(WebProblem) -> Int {
        let numbers = try InstanceFrames.numbers(context.parameters.get("frames") ?? "")
        guard numbers.count == 1 else {
            throw WebProblem(.notAcceptable, "several rendered frames make a multipart of images, which Rampart does not produce: ask for one frame at a time")
        }
        return numbers[0]
    }

    private func rendered(_ request: Request, _ context: WebRequestContext, _ target: RetrieveTarget, frame: Int?,
                          thumbnail: Bool) async throws -> Response {
        let rendering = try RenderedRequest(accept: request.headers[.accept],
                                            request.uri.queryParameters.map { (name: String($0.key), value: String($0.value)) },
                                            defaultViewport: thumbnail ? Self.thumbnailViewport : nil)
        let (grant, instances) = try await retrievable(target, context)
        let instance = thumbnail ? Self.representative(of: instances) : instances[0]
        return try await renderedResponse(instance, frame: frame, middle: thumbnail, rendering, grant: grant)
    }

    /// The image of one instance's frame, recorded as disclosed before it leaves.
    func renderedResponse(_ instance: StoredInstance, frame: Int?, middle: Bool, _ rendering: RenderedRequest, grant: Grant) async throws -> Response {
        let view = grant.view
        let blob = try await localBlob(of: instance, grant: grant)
        defer { blob.release() }
        let image = try await NIOThreadPool.singleton.runIfActive { () throws -> [UInt8] in
            try InstanceRendering.render(instance, file: blob.path, frame: frame, middle: middle, as: rendering, view: view)
        }
        try record(.instances, [(instance.patientID, instance.studyInstanceUID)], grant: grant)
        var headers: HTTPFields = [.contentType: rendering.format.mediaType]
        if let warning = rendering.warning { headers[Self.warning] = warning }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: image)))
    }

    /// A study's or series' representative image: the middle instance of its first series (in
    /// storage order), whose middle frame is shown.
    static func representative(of instances: [StoredInstance]) -> StoredInstance {
        let series = instances.filter { $0.seriesInstanceUID == instances[0].seriesInstanceUID }
        return series[(series.count - 1) / 2]
    }
}
