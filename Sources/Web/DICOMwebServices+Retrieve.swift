import Access
import Archive
import DICOM
import DICOMNetwork
import HTTPTypes
import Hummingbird
import Imaging
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
        group.get("studies/:study/series/:series/instances/:instance/bulkdata/**") { request, context in
            let path = try BulkDataPath(segments: context.parameters.getCatchAll().joined(separator: "/"))
            return try await bulkData(request, context, try Self.target(context), path)
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
        let log = context.log(log)
        let eventLoop = context.channel.eventLoop
        let archive = archive
        let body = ResponseBody { writer in
            for (instance, syntax) in parts {
                try await writer.write(ByteBuffer(bytes: MultipartRelated.partHead(
                    boundary: boundary, contentType: "\(MediaType.dicom); transfer-syntax=\(syntax.uid)")))
                do {
                    let blob = try await archive.localBlob(of: instance, grant: grant)
                    defer { blob.release() }
                    try await InstancePart.write(instance, file: blob.path, in: syntax, view: view, spoolDirectory: spoolDirectory, eventLoop: eventLoop, to: &writer)
                } catch {
                    // The status is sent: all that is left is to cut the body short, which the
                    // client sees as a missing close delimiter.
                    log.warning("WADO-RS: instance \(instance.sopInstanceUID) could not be sent: \(error)")
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
        let log = context.log(log)
        let origin = origin(of: request, context)
        let boundary = MultipartRelated.newBoundary()
        let eventLoop = context.channel.eventLoop
        let archive = archive
        // One document per instance, written as it is read and at the connection's pace: a large
        // study never sits in memory.
        let body = ResponseBody { writer in
            var window = WriteWindow(eventLoop)
            if format == .json { try await writer.write(ByteBuffer(string: "[")) }
            for (index, instance) in instances.enumerated() {
                let encoded: [UInt8]
                do {
                    let url = origin.map { "\($0)\(WebServer.dicomwebPrefix)/studies/\(instance.studyInstanceUID)/series/"
                        + "\(instance.seriesInstanceUID)/instances/\(instance.sopInstanceUID)/bulkdata" }
                    let blob = try await archive.localBlob(of: instance, grant: grant)
                    defer { blob.release() }
                    encoded = try await NIOThreadPool.singleton.runIfActive {
                        try InstanceMetadata.encoded(blob.path, view: view, as: format, bulkDataURL: url)
                    }
                } catch {
                    log.warning("WADO-RS: the metadata of instance \(instance.sopInstanceUID) could not be read: \(error)")
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
                try await window.wrote()
            }
            switch format {
            case .json: try await writer.write(ByteBuffer(string: "]"))
            case .xml: try await writer.write(ByteBuffer(bytes: MultipartRelated.close(boundary: boundary)))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: format.contentType(boundary: boundary)], body: body)
    }

    /// Frames of one instance's pixel data (PS3.18 10.4.1.1.4), one part per frame in the order
    /// asked: native frames as `application/octet-stream`, compressed ones as stored
    /// (`FrameMediaType`). A view that hides Pixel Data hides its frames.
    private func frames(_ request: Request, _ context: WebRequestContext, _ target: RetrieveTarget, numbers: [Int]) async throws -> Response {
        let (grant, instances) = try await retrievable(target, context)
        guard let instance = instances.first, !grant.view.hides(WebTag.pixelData) else {
            throw WebProblem(.notFound, "no such instance is archived, or none whose pixel data you may see")
        }
        let partType = try FrameMediaType.negotiate(accept: request.headers[.accept], stored: instance.transferSyntax,
                                                    decodable: DecodedFrames.canDecode(instance.transferSyntax))
        let decode = instance.transferSyntax.isEncapsulated && partType == FrameMediaType.nativeContentType
        let view = grant.view
        // Held until the body is sent: the frames are read from it one at a time.
        let blob = try await localBlob(of: instance, grant: grant)
        let source: InstanceFrames.FrameSource
        do {
            source = try await NIOThreadPool.singleton.runIfActive { () throws -> InstanceFrames.FrameSource in
                try InstanceFrames.source(of: instance, file: blob.path, numbers: numbers, view: view, decode: decode)
            }
        } catch {
            blob.release()
            throw error
        }
        try record(.instances, [(instance.patientID, instance.studyInstanceUID)], grant: grant)
        let boundary = MultipartRelated.newBoundary()
        let eventLoop = context.channel.eventLoop
        let log = context.log(log)
        // A frame at a time, each read as the one before has gone: up to 1,000 frames of a
        // large multi-frame object never sit in memory together.
        let body = ResponseBody { writer in
            defer { blob.release() }
            var window = WriteWindow(eventLoop)
            for number in numbers {
                let frame: [UInt8]
                do {
                    frame = try await NIOThreadPool.singleton.runIfActive { try source.frame(number) }
                } catch {
                    log.warning("WADO-RS: frame \(number) of instance \(instance.sopInstanceUID) could not be read: \(error)")
                    throw error
                }
                try await writer.write(ByteBuffer(bytes: MultipartRelated.partHead(boundary: boundary, contentType: partType) + frame + MultipartRelated.partEnd))
                try await window.wrote()
            }
            try await writer.write(ByteBuffer(bytes: MultipartRelated.close(boundary: boundary)))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: MultipartRelated.contentType(of: partType, boundary: boundary)], body: body)
    }

    /// A bulk data value of one instance, at a BulkDataURI its metadata gave (PS3.18 10.4.1.1.5),
    /// through the grant's view (a value the view hides is not there): a binary value as one
    /// `application/octet-stream` part, streamed from the file; compressed pixel data as its
    /// frames, as the frames resource sends them.
    private func bulkData(_ request: Request, _ context: WebRequestContext, _ target: RetrieveTarget, _ path: BulkDataPath) async throws -> Response {
        let (grant, instances) = try await retrievable(target, context)
        guard let instance = instances.first else { throw WebProblem(.notFound, "no such instance is archived, or none you may see") }
        let view = grant.view
        let accept = request.headers[.accept]
        // Held until the body is sent: the value is read from it as it goes.
        let blob = try await localBlob(of: instance, grant: grant)
        let value = try await NIOThreadPool.singleton.runIfActive { () throws -> BulkDataValue in
            let dataSet = try DICOMFile(contentsOf: blob.path).dataSet
            switch path.element(in: view.isFull ? dataSet : view.apply(to: dataSet))?.value {
            case let .bytes(storage)?:
                let isPixelData = path.path == ElementPath(tag: WebTag.pixelData)
                return .bytes(storage, contentType: isPixelData ? try FrameMediaType.negotiate(accept: accept, stored: .explicitVRLittleEndian)
                                                                : "application/octet-stream")
            case let .encapsulated(pixels)?:
                let contentType = try FrameMediaType.negotiate(accept: accept, stored: instance.transferSyntax)
                return .frames(try EncapsulatedFrames(stored: pixels, in: dataSet), contentType: contentType)
            case .sequence?, nil:
                throw WebProblem(.notFound, "the instance has no bulk data at \(path.text), or none you may see")
            }
        }
        try record(.instances, [(instance.patientID, instance.studyInstanceUID)], grant: grant)
        let boundary = MultipartRelated.newBoundary()
        let eventLoop = context.channel.eventLoop
        let body = ResponseBody { writer in
            defer { blob.release() }
            try await value.write(boundary: boundary, eventLoop: eventLoop, to: &writer)
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: MultipartRelated.contentType(of: value.contentType, boundary: boundary)], body: body)
    }

    /// The scheme and authority the client reached this server by, for absolute URIs in answers:
    /// its Host header when that is a plain host[:port], with the port the connection came in on
    /// when the header names none (dicomweb-client, for one, sends the host alone) and it is
    /// not the scheme's default; nil when there is no usable Host (the answer then carries no
    /// BulkDataURI to point nowhere).
    func origin(of request: Request, _ context: WebRequestContext) -> String? {
        guard let host = request.head.authority, !host.isEmpty, host.count <= 255,
              host.allSatisfy({ $0.isLetter || $0.isNumber || "-.:[]_".contains($0) }) else { return nil }
        let hasPort = host.hasPrefix("[") ? host.contains("]:") : host.contains(":")
        guard !hasPort, let port = context.channel.localAddress?.port, port != (urlScheme == "https" ? 443 : 80) else {
            return "\(urlScheme)://\(host)"
        }
        return "\(urlScheme)://\(host):\(port)"
    }

    /// The Part 10 file of `instance` to read, held until released (`Archive.localBlob`).
    func localBlob(of instance: StoredInstance, grant: Grant) async throws(WebProblem) -> LocalBlob {
        do {
            return try await archive.localBlob(of: instance, grant: grant)
        } catch {
            log.error("DICOMweb: the stored object of an instance could not be read: \(error)")
            throw WebProblem(.internalServerError, "the stored object could not be read; the process log says why")
        }
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
            context.log(log).error("WADO-RS: the archive could not list the instances of a \(target.name): \(error)")
            throw WebProblem(.internalServerError, "the archive could not list the instances; the process log says why")
        }
        guard !instances.isEmpty else {
            throw WebProblem(.notFound, "no \(target.name) with these UIDs is archived, or none you may see")
        }
        return (grant, instances)
    }
}
