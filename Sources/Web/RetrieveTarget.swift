import Access
import DICOM
import DICOMNetwork

/// The study, series or instance a WADO-RS path names (PS3.18 10.4.1), its UIDs checked, and
/// the Study Root identifier that finds its instances.
struct RetrieveTarget: Sendable {
    let studyUID: String
    let seriesUID: String?
    let sopInstanceUID: String?

    init(study: String, series: String? = nil, instance: String? = nil) throws(WebProblem) {
        studyUID = try Self.checked(study, "study")
        seriesUID = try series.map { (uid) throws(WebProblem) in try Self.checked(uid, "series") }
        sopInstanceUID = try instance.map { (uid) throws(WebProblem) in try Self.checked(uid, "instance") }
    }

    var level: QueryRetrieveLevel {
        sopInstanceUID != nil ? .image : seriesUID != nil ? .series : .study
    }

    /// "study", "series" or "instance", for messages.
    var name: String {
        switch level {
        case .patient, .study: "study"
        case .series: "series"
        case .image: "instance"
        }
    }

    /// The unique keys of the path at its level (PS3.4 C.4.3: a C-GET identifier).
    var identifier: DataSet {
        var identifier = DataSet()
        identifier.insert(.text(WebTag.queryRetrieveLevel, .CS, [level.rawValue]))
        identifier.insert(.uid(WebTag.studyInstanceUID, studyUID))
        if let seriesUID { identifier.insert(.uid(WebTag.seriesInstanceUID, seriesUID)) }
        if let sopInstanceUID { identifier.insert(.uid(WebTag.sopInstanceUID, sopInstanceUID)) }
        return identifier
    }

    /// What the gate's decision names before anything is found.
    var subjects: AccessSubjects {
        AccessSubjects(studyUIDs: [studyUID], sopInstanceUIDs: sopInstanceUID.map { [$0] } ?? [])
    }

    private static func checked(_ uid: String, _ what: String) throws(WebProblem) -> String {
        do {
            return try ValidatedUID(uid).value
        } catch {
            throw WebProblem(.badRequest, "the \(what) UID in the path is not valid: \(error)")
        }
    }
}
