import Access
import Hummingbird
import NIOCore

/// WADO-URI (PS3.18 9) at `/dicomweb/wado`: one object as `application/dicom`, or one of its
/// frames rendered as image/jpeg or image/png, through the same gate, record and view as WADO-RS,
/// for the viewers and reporting systems that link to images by URL.
extension DICOMwebServices {
    func addURIRoutes(to group: RouterGroup<WebRequestContext>) {
        group.get("wado") { request, context in
            try await retrieveByURI(request, context)
        }
    }

    private func retrieveByURI(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let wado = try WADOURIRequest(request.uri.queryParameters.map { (name: String($0.key), value: String($0.value)) })
        let (grant, instances) = try await retrievable(wado.target, context)
        guard let instance = instances.first else { throw WebProblem(.notFound, "no such object is archived, or none you may see") }
        let acceptance: DICOMPartAcceptance
        switch wado.representation {
        case let .rendered(rendering):
            return try await renderedResponse(instance, frame: rendering.frame, middle: false, rendering, grant: grant)
        case let .object(choices):
            acceptance = choices
        }
        guard let syntax = acceptance.syntax(for: instance.transferSyntax) else {
            throw WebProblem(.notAcceptable, "the object is stored in \(instance.transferSyntax.name) (\(instance.transferSyntax.uid)), which Rampart "
                + "cannot convert to \(acceptance.acceptedNames): ask for transferSyntax=\(instance.transferSyntax.uid) or transferSyntax=*")
        }
        try record(.instances, [(instance.patientID, instance.studyInstanceUID)], grant: grant)
        let view = grant.view
        let spoolDirectory = spoolDirectory
        let log = context.log(log)
        let eventLoop = context.channel.eventLoop
        let archive = archive
        let body = ResponseBody { writer in
            do {
                let blob = try await archive.localBlob(of: instance, grant: grant)
                defer { blob.release() }
                try await InstancePart.write(instance, file: blob.path, in: syntax, view: view, spoolDirectory: spoolDirectory, eventLoop: eventLoop, to: &writer)
            } catch {
                log.warning("WADO-URI: instance \(instance.sopInstanceUID) could not be sent: \(error)")
                throw error
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "\(MediaType.dicom); transfer-syntax=\(syntax.uid)"], body: body)
    }
}
