import Access
import Archive
import DICOM
import DICOMNetwork
import Hummingbird
import Logs

/// The DICOMweb resources (PS3.18): each route authenticates through the middleware, asks the
/// gate for a grant naming what it concerns, records what it discloses, and applies the
/// grant's view to every data set before it leaves (DESIGN.md rules 1, 2 and 4).
struct DICOMwebServices: Sendable {
    let archive: Archive
    let gate: Gate
    let recorder: any DisclosureRecorder
    let spoolDirectory: String
    let maximumStoreBytes: Int
    let caseInsensitivePersonNames: RunTimeSetting<Bool>
    let log: Log
    /// "https", or "http" where plain HTTP is served: the scheme of absolute URIs in answers.
    var urlScheme = "https"

    func addRoutes(to group: RouterGroup<WebRequestContext>) {
        addSearchRoutes(to: group)
        addRetrieveRoutes(to: group)
        addRenderedRoutes(to: group)
        addStoreRoutes(to: group)
        addURIRoutes(to: group)
        addDeleteRoutes(to: group)
        addCapabilitiesRoutes(to: group)
    }

    func grant(_ action: AccessAction, _ context: WebRequestContext, concerning subjects: AccessSubjects = .none) async throws(WebProblem) -> Grant {
        try await gate.grant(action, context, concerning: subjects, log: log)
    }

    /// Records what a response discloses before it is sent: when the record cannot be written,
    /// nothing is sent.
    func record(_ kind: Disclosure.Kind, _ items: [(patientID: String, studyUID: String)], grant: Grant) throws(WebProblem) {
        guard !items.isEmpty else { return }
        do {
            try recorder.disclosed(Disclosure(kind, items), grant: grant)
        } catch {
            log.error("the audit log could not record what \(grant.decisionID) discloses: \(error)")
            throw WebProblem(.serviceUnavailable, "the access could not be recorded, so nothing is disclosed; try again later")
        }
    }

    /// Refuses a request that accepts none of `types` (406), naming what it could have.
    static func accept(_ request: Request, _ types: [String]) throws(WebProblem) {
        guard let accept = request.headers[.accept], !accept.isEmpty else { return }
        if MediaRange.accepted(accept).contains(where: { ["*/*", "application/*"].contains($0.type) || types.contains($0.type) }) { return }
        throw WebProblem(.notAcceptable, "this resource is served as \(types.joined(separator: " or ")), not \(accept)")
    }
}
