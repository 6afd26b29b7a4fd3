import Access
import Archive
import DICOM
import DICOMNetwork
import HTTPTypes
import Hummingbird
import NIOCore
import NIOPosix

/// WADO-RS (PS3.18 10.4): a study, series or instance as `multipart/related;
/// type="application/dicom"`, and their metadata as `application/dicom+json`. Each instance
/// leaves as the grant's view shows it, and the response is streamed a file at a time.
extension DICOMwebServices {
    func addRetrieveRoutes(to group: RouterGroup<WebRequestContext>) {
        group.get("studies/:study") { request, context in
            try await retrieve(request, context, try Self.target(context))
        }
        group.get("studies/:study/series/:series") { request, context in
            try await retrieve(request, context, try Self.target(context))
        }
        group.get("studies/:study/series/:series/instances/:instance") { request, context in
            try await retrieve(request, context, try Self.target(context))
        }
        group.get("studies/:study/series/:series/instances/:instance/frames/:frames") { request, context in
            try await frames(request, context, try Self.target(context), numbers: InstanceFrames.numbers(context.parameters.require("frames")))
        }
        group.get("studies/:study/metadata") { request, context in
            try await metadata(request, context, try Self.target(context))
        }
        group.get("studies/:study/series/:series/metadata") { request, context in
            try await metadata(request, context, try Self.target(context))
        }
        group.get("studies/:study/series/:series/instances/:instance/metadata") { request, context in
            try await metadata(request, context, try Self.target(context))
        }
    }

    static func target(_ context: WebRequestContext) throws(WebProblem) -> RetrieveTarget {
        try RetrieveTarget(study: context.parameters.get("study") ?? "", series: context.parameters.get("series"),
                           instance: context.parameters.get("instance"))
    }

    private func retrieve(_ request: Request, _ context: WebRequestContext, _ target: RetrieveTarget) async throws -> Response {
        let acceptance = try DICOMPartAcceptance(accept: request.headers[.accept])
        let (grant, instances) = try await retrievable(target, context)
        // Every part's syntax is settled before the first byte goes, so a 406 is still possible.
        let parts = try instances.map { instance throws(WebProblem) -> (instance: StoredInstance, syntax: TransferSyntax) in
            guard let syntax = acceptance.syntax(for: instance.transferSyntax) else {
                throw WebProblem(.notAcceptable, "an instance of this \(target.name) is stored in \(instance.transferSyntax.name) "
                    + "(\(instance.transferSyntax.uid)), and Rampart cannot convert it to what the request accepts "
                    + "(\(acceptance.acceptedNames)): ask for transfer-syntax=* or for \(instance.transferSyntax.uid)")
            }
            return (instance, syntax)
        }
        try record(.instances, instances.map { ($0.patientID, $0.studyInstanceUID) }, grant: grant)
        let boundary = MultipartRelated.newBoundary()
        let view = grant.view
        let spoolDirectory = spoolDirectory
        let log = log
        let body = ResponseBody { writer in
            for (instance, syntax) in parts {
                try await writer.write(ByteBuffer(bytes: MultipartRelated.partHead(
                    boundary: boundary, contentType: "\(MediaType.dicom); transfer-syntax=\(syntax.uid)")))
                do {
                    try await InstancePart.write(instance, in: syntax, view: view, spoolDirectory: spoolDirectory, to: &writer)
                } catch {
                    // The status is sent: all that is left is to cut the body short, which the
                    // client sees as a missing close delimiter.
                    log("WADO-RS: instance \(instance.sopInstanceUID) could not be sent: \(error)")
                    throw error
                }
                try await writer.write(ByteBuffer(bytes: MultipartRelated.partEnd))
            }
            try await writer.write(ByteBuffer(bytes: MultipartRelated.close(boundary: boundary)))
            try await writer.finish(nil)
        }
        let contentType = "multipart/related; type=\"\(MediaType.dicom)\"; boundary=\(boundary)"
        return Response(status: .ok, headers: [.contentType: contentType], body: body)
    }

    private func metadata(_ request: Request, _ context: WebRequestContext, _ target: RetrieveTarget) async throws -> Response {
        let format = try DataSetFormat(accept: request.headers[.accept])
        let (grant, instances) = try await retrievable(target, context)
        try record(.instances, instances.map { ($0.patientID, $0.studyInstanceUID) }, grant: grant)
        let view = grant.view
        let log = log
        let boundary = MultipartRelated.newBoundary()
        // One document per instance, written as it is read: a large study never sits in memory.
        let body = ResponseBody { writer in
            if format == .json { try await writer.write(ByteBuffer(string: "[")) }
            for (index, instance) in instances.enumerated() {
                let encoded: [UInt8]
                do {
                    encoded = try await NIOThreadPool.singleton.runIfActive { try InstanceMetadata.encoded(instance.path, view: view, as: format) }
                } catch {
                    log("WADO-RS: the metadata of instance \(instance.sopInstanceUID) could not be read: \(error)")
                    throw error
                }
                switch format {
                case .json:
                    if index > 0 { try await writer.write(ByteBuffer(string: ",")) }
                    try await writer.write(ByteBuffer(bytes: encoded))
                case .xml:
                    try await writer.write(ByteBuffer(bytes: MultipartRelated.partHead(boundary: boundary, contentType: DataSetFormat.xmlType)))
                    try await writer.write(ByteBuffer(bytes: encoded))
                    try await writer.write(ByteBuffer(bytes: MultipartRelated.partEnd))
                }
            }
            switch format {
            case .json: try await writer.write(ByteBuffer(string: "]"))
            case .xml: try await writer.write(ByteBuffer(bytes: MultipartRelated.close(boundary: boundary)))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: format.contentType(boundary: boundary)], body: body)
    }

    /// Frames of one instance's native pixel data (PS3.18 10.4.1.1.4), as
    /// `multipart/related; type="application/octet-stream"`, one part per frame in the order asked.
    private func frames(_ request: Request, _ context: WebRequestContext, _ target: RetrieveTarget, numbers: [Int]) async throws -> Response {
        if let accept = request.headers[.accept], !MediaRange.accepted(accept).contains(where: { range in
            ["*/*", "multipart/*"].contains(range.type)
                || (range.type == "multipart/related"
                    && [nil, "application/octet-stream", "application/*", "*/*"].contains(range.parameters["type"]?.lowercased()))
        }) {
            throw WebProblem(.notAcceptable, #"frames are served as multipart/related; type="application/octet-stream", not "# + accept)
        }
        let (grant, instances) = try await retrievable(target, context)
        guard let instance = instances.first else { throw WebProblem(.notFound, "no such instance is archived, or none you may see") }
        let view = grant.view
        let frames = try await NIOThreadPool.singleton.runIfActive { () throws -> [[UInt8]] in
            try InstanceFrames.frames(of: instance, numbers: numbers, view: view)
        }
        try record(.instances, [(instance.patientID, instance.studyInstanceUID)], grant: grant)
        let boundary = MultipartRelated.newBoundary()
        var body: [UInt8] = []
        for frame in frames {
            body += MultipartRelated.partHead(boundary: boundary, contentType: "application/octet-stream; transfer-syntax=\(TransferSyntax.explicitVRLittleEndian.uid)")
            body += frame
            body += MultipartRelated.partEnd
        }
        body += MultipartRelated.close(boundary: boundary)
        return Response(status: .ok, headers: [.contentType: #"multipart/related; type="application/octet-stream"; boundary="# + boundary],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The grant to retrieve `target`, and its instances in storage order; a 404 when none is
    /// archived (or none the grant reaches), after the decision was recorded.
    func retrievable(_ target: RetrieveTarget, _ context: WebRequestContext) async throws(WebProblem) -> (Grant, [StoredInstance]) {
        let grant = try await grant(.retrieve, context, concerning: target.subjects)
        let identifier: QueryIdentifier
        do {
            identifier = try QueryIdentifier(grant.view.matchingOnlyWhatItShows(target.identifier), model: .studyRoot, operation: .get)
        } catch {
            throw WebProblem(.badRequest, "\(error)")
        }
        let instances: [StoredInstance]
        do {
            instances = try archive.instances(matching: identifier, grant: grant)
        } catch {
            log("WADO-RS: the archive could not list the instances of a \(target.name): \(error)")
            throw WebProblem(.internalServerError, "the archive could not list the instances; the process log says why")
        }
        guard !instances.isEmpty else {
            throw WebProblem(.notFound, "no \(target.name) with these UIDs is archived, or none you may see")
        }
        return (grant, instances)
    }
}
