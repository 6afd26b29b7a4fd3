#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Access
import Archive
import DICOM
import DICOMNetwork
import HTTPTypes
import Hummingbird
import NIOCore

/// STOW-RS (PS3.18 10.5): `multipart/related; type="application/dicom"` bodies, or metadata
/// (`application/dicom+json` or `+xml`) with bulk data parts (`StoreMetadata`), each part
/// spooled to a file as it arrives, then stored through the gate as C-STORE stores.
///
/// Each instance is decided and recorded with the patient, study and instance it names, as a
/// C-STORE is; a denial fails that instance only (Failure Reason 0124, refused: not authorized).
/// Before the body is read, the gate is asked without recording whether the principal may
/// store at all: when it may not, that denial is decided (and so recorded) at once and the
/// caller gets a 403 without uploading anything; so each store is one record either way.
extension DICOMwebServices {
    func addStoreRoutes(to group: RouterGroup<WebRequestContext>) {
        group.post("studies") { request, context in
            try await store(request, context, study: nil)
        }
        group.post("studies/:study") { request, context in
            try await store(request, context, study: try RetrieveTarget(study: context.parameters.get("study") ?? "").studyUID)
        }
    }

    /// The most parts one request may carry: each is a file in the spool folder.
    static let maximumStoreParts = 10_000

    private func store(_ request: Request, _ context: WebRequestContext, study: String?) async throws -> Response {
        try Self.accept(request, [MediaType.dicomJSON, "application/json"])
        let (boundary, metadata) = try Self.storeBody(request.headers[.contentType])
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maximumStoreBytes {
            throw tooLarge
        }
        if !gate.explain(context.access, .store).allowed {
            _ = try await grant(.store, context, concerning: AccessSubjects(studyUIDs: study.map { [$0] } ?? []))
        }
        let parts = try await spool(request.body, boundary: boundary, partsAreInstances: metadata == nil)
        defer { if metadata != nil { for part in parts { unlink(part.path) } } }
        guard !parts.isEmpty else {
            throw WebProblem(.badRequest, "the multipart body has no parts: send each instance as an application/dicom part")
        }
        let instances = try metadata.map { (format) throws(WebProblem) in
            try StoreMetadata.instances(parts, format: format, spoolDirectory: spoolDirectory)
        } ?? parts.map { .file($0.path) }
        var response = StoreResponse(prefix: WebServer.dicomwebPrefix, studyUID: study)
        for instance in instances {
            switch instance {
            case let .file(path):
                response.append(await store(file: path, context, study: study))
            case let .failed(sopClass, sopInstance, why):
                context.log(log).notice("STOW-RS from \(context.access.principal) at \(context.peerAddress): an instance's metadata was refused: \(why)")
                response.append(.failed(sopClassUID: sopClass, sopInstanceUID: sopInstance, reason: .errorCannotUnderstand))
            }
        }
        // One data set, as a JSON object rather than an array of one: what dcm4chee and Orthanc
        // send, and what dicomweb-client reads (pydicom's Dataset.from_json).
        let json: [UInt8]
        do {
            json = try DICOMJSONWriter().bytes(response.dataSet)
        } catch {
            throw WebProblem(.internalServerError, "the store response could not be written as DICOM JSON: \(error)")
        }
        return Response(status: response.status, headers: [.contentType: MediaType.dicomJSON],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: json)))
    }

    private var tooLarge: WebProblem {
        WebProblem(.contentTooLarge, "the request body is larger than this server's STOW-RS limit of \(maximumStoreBytes) bytes: "
            + "send the instances in several requests, or ask the operator to raise http.max_store_bytes; nothing was stored")
    }

    /// The boundary of a `multipart/related` Content-Type, and the format of its metadata
    /// when its root type is `application/dicom+json` or `+xml` (nil: `application/dicom`, the
    /// default, whose every part is an instance).
    static func storeBody(_ contentType: String?) throws(WebProblem) -> (boundary: String, metadata: DataSetFormat?) {
        let range = MediaRange(contentType ?? "")
        let metadata: DataSetFormat?
        switch range.parameters["type"]?.lowercased() {
        case nil, MediaType.dicom: metadata = nil
        case MediaType.dicomJSON: metadata = .json
        case DataSetFormat.xmlType: metadata = .xml
        default:
            throw WebProblem(.unsupportedMediaType, "STOW-RS takes multipart/related; type=\"application/dicom\" (or \"application/dicom+json\" "
                + "or \"application/dicom+xml\" with bulk data), not \(contentType ?? "a body without Content-Type")")
        }
        guard range.type == "multipart/related" else {
            throw WebProblem(.unsupportedMediaType, "STOW-RS takes multipart/related; type=\"application/dicom\", not \(contentType ?? "a body without Content-Type")")
        }
        guard let boundary = range.parameters["boundary"], !boundary.isEmpty else {
            throw WebProblem(.badRequest, "the multipart/related Content-Type has no boundary parameter")
        }
        return (boundary, metadata)
    }

    /// Writes each part of the body to its own file in the spool folder as the body arrives and
    /// returns them in order; on any error the files are removed and nothing is stored. When
    /// `partsAreInstances`, every part must be `application/dicom`.
    private func spool(_ body: RequestBody, boundary: String, partsAreInstances: Bool) async throws -> [SpooledPart] {
        var files: [SpooledPart] = []
        var sink: FileSink?
        do {
            var parser = try MultipartParser(boundary: boundary)
            var received = 0
            for try await buffer in body {
                received += buffer.readableBytes
                guard received <= maximumStoreBytes else { throw tooLarge }
                for event in try parser.feed(buffer) {
                    switch event {
                    case .partBegan(let headers):
                        if partsAreInstances, let type = headers["content-type"], MediaRange(type).type != MediaType.dicom {
                            throw WebProblem(.unsupportedMediaType, "part \(files.count + 1) is \(type): each part must be application/dicom")
                        }
                        guard files.count < Self.maximumStoreParts else {
                            throw WebProblem(.contentTooLarge, "more than \(Self.maximumStoreParts) parts in one request: send fewer at a time")
                        }
                        let path = SpooledFile.uniquePath(in: spoolDirectory, suffix: ".stow")
                        files.append(SpooledPart(path: path, headers: headers))
                        sink = try FileSink(creating: path, exclusive: true)
                    case .body(let bytes):
                        try bytes.withUnsafeReadableBytes { try sink?.write(contentsOf: $0) }
                    case .partEnded:
                        try sink?.flush()
                        sink = nil
                    }
                }
            }
            try parser.finish()
            return files
        } catch {
            sink = nil
            for file in files { unlink(file.path) }
            switch error {
            case let problem as WebProblem: throw problem
            case let framing as MultipartError: throw WebProblem(.badRequest, framing.description)
            case let failure as DICOMFileError:
                log.error("STOW-RS: the spool folder could not be written: \(failure)")
                throw WebProblem(.serviceUnavailable, "the server could not write the request to its spool folder; try again later")
            default: throw error
            }
        }
    }

    /// Stores one spooled part and says what became of it; the spooled file is gone afterwards
    /// (taken over by the archive, or removed).
    private func store(file path: String, _ context: WebRequestContext, study: String?) async -> StoreResponse.Item {
        defer { unlink(path) }
        // The UIDs a failure is reported with, from the meta group; empty when it cannot be read.
        let header = try? DICOMFileHeader(contentsOf: path)
        let sopClass = header?.sopClassUID ?? ""
        let sopInstance = header?.sopInstanceUID ?? ""
        var granted: Grant?
        do {
            let outcome = try await archive.store(file: path, moving: true) { named in
                if let study, let named = named.studyUIDs.first, named != study { throw StudyMismatch() }
                var subjects = named
                if subjects.sopInstanceUIDs.isEmpty, !sopInstance.isEmpty { subjects.sopInstanceUIDs = [sopInstance] }
                let grant = try await self.grant(.store, context, concerning: subjects)
                granted = grant
                return grant
            }
            switch outcome {
            case .stored(let stored), .replaced(let stored), .duplicateKept(let stored):
                return .stored(sopClassUID: stored.sopClassUID, sopInstanceUID: stored.sopInstanceUID, studyUID: stored.studyInstanceUID,
                               seriesUID: stored.seriesInstanceUID)
            case .rejected(let rejection):
                context.log(log).notice("STOW-RS from \(context.access.principal) at \(context.peerAddress): an instance was refused: \(rejection)")
                if let granted {
                    do {
                        try recorder.refusedStore("\(rejection)", instance: sopInstance, grant: granted)
                    } catch {
                        context.log(log).error("the audit log could not record the refused store of \(granted.decisionID): \(error)")
                    }
                }
                switch rejection {
                case .duplicate: return .failed(sopClassUID: sopClass, sopInstanceUID: sopInstance, reason: .duplicateSOPInstance)
                // The study the object joins went outside the grant's studies after the gate decided.
                case .outsideGrant: return .failed(sopClassUID: sopClass, sopInstanceUID: sopInstance, reason: .refusedNotAuthorized)
                case .unreadable, .missingAttribute, .invalidUID, .metaMismatch, .hierarchyConflict:
                    return .failed(sopClassUID: sopClass, sopInstanceUID: sopInstance, reason: .errorCannotUnderstand)
                }
            }
        } catch is StudyMismatch {
            return .failed(sopClassUID: sopClass, sopInstanceUID: sopInstance, reason: .errorDataSetDoesNotMatchSOPClass)
        } catch is WebProblem {
            // A denial by the gate, recorded and logged by grant().
            return .failed(sopClassUID: sopClass, sopInstanceUID: sopInstance, reason: .refusedNotAuthorized)
        } catch {
            context.log(log).error("STOW-RS: the archive could not store an instance: \(error)")
            return .failed(sopClassUID: sopClass, sopInstanceUID: sopInstance, reason: .refusedOutOfResources)
        }
    }
}

/// An instance posted to /studies/{study} that belongs to another study (PS3.18 10.5.1): it is
/// refused before the gate is asked, with Failure Reason A900 (the data set does not match).
private struct StudyMismatch: Error {}
