import Access
import Archive
import Hummingbird

extension DICOMwebServices {
    /// DELETE of a study, series or instance: not in PS3.18, but what archives offer for it
    /// (Google Cloud's DICOMweb, dcm4chee, Orthanc's REST API) and what a `delete` grant is for.
    /// Only what the grant's studies reach is deleted; the rest is a 404, as for WADO-RS.
    func addDeleteRoutes(to group: RouterGroup<WebRequestContext>) {
        group.delete("studies/:study") { _, context in
            try await delete(try RetrieveTarget(study: context.parameters.get("study") ?? ""), context)
        }
        group.delete("studies/:study/series/:series") { _, context in
            try await delete(try RetrieveTarget(study: context.parameters.get("study") ?? "", series: context.parameters.get("series")), context)
        }
        group.delete("studies/:study/series/:series/instances/:instance") { _, context in
            try await delete(try RetrieveTarget(study: context.parameters.get("study") ?? "", series: context.parameters.get("series"),
                                                instance: context.parameters.get("instance")), context)
        }
    }

    private func delete(_ target: RetrieveTarget, _ context: WebRequestContext) async throws(WebProblem) -> Response {
        let grant = try await grant(.delete, context, concerning: target.subjects)
        let deleted: [StoredInstance]
        do {
            deleted = try await archive.delete(studyInstanceUID: target.studyUID, seriesInstanceUID: target.seriesUID,
                                               sopInstanceUID: target.sopInstanceUID, grant: grant)
        } catch {
            context.log(log).error("DELETE: the archive could not delete a \(target.name): \(error)")
            throw WebProblem(.internalServerError, "the archive could not delete the \(target.name); the process log says why")
        }
        guard !deleted.isEmpty else {
            throw WebProblem(.notFound, "no \(target.name) with these UIDs is archived, or none you may delete")
        }
        do {
            try recorder.disclosed(Disclosure(.deleted, deleted.map { ($0.patientID, $0.studyInstanceUID) }), grant: grant)
        } catch {
            // The objects are gone already; the decision's record names the study. Say so loudly.
            context.log(log).error("the audit log could not record the deletion that \(grant.decisionID) allowed (\(deleted.count) instances): \(error)")
        }
        return Response(status: .noContent)
    }
}
