import DICOM

/// A WADO-URI request (PS3.18 9): `requestType=WADO` with the study, series and object UIDs,
/// asking for the object as `application/dicom`. Rendered media types (the standard's default,
/// image/jpeg, among them) and the rendering and `anonymize` parameters are refused with what
/// to ask for instead: Rampart renders no images yet.
struct WADOURIRequest: Sendable {
    let target: RetrieveTarget
    /// The syntax the object goes out in: `transferSyntax`, or Explicit VR Little Endian
    /// (PS3.18 9.2.3.3's default); `*` takes it as stored, as dcm4chee allows.
    let acceptance: DICOMPartAcceptance

    private static let renderingParameters: Set<String> = [
        "annotation", "rows", "columns", "region", "windowCenter", "windowWidth", "frameNumber", "imageQuality",
        "presentationUID", "presentationSeriesUID",
    ]

    init(_ parameters: [(name: String, value: String)]) throws(WebProblem) {
        var values: [String: String] = [:]
        for (name, value) in parameters {
            guard values[name] == nil else { throw WebProblem(.badRequest, "\(name) is given twice") }
            values[name] = value
        }
        guard values["requestType"] == "WADO" else {
            throw WebProblem(.badRequest, "a WADO-URI request needs requestType=WADO (PS3.18 9.2.1)")
        }
        guard let study = values["studyUID"], let series = values["seriesUID"], let object = values["objectUID"] else {
            throw WebProblem(.badRequest, "a WADO-URI request needs studyUID, seriesUID and objectUID")
        }
        let types = (values["contentType"] ?? "image/jpeg").split(separator: ",").map { $0.split(separator: ";")[0].trimmingCharacters(in: .whitespaces) }
        guard types.contains(MediaType.dicom) else {
            throw WebProblem(.notAcceptable, "only contentType=application/dicom is served: rendered images (\(types.joined(separator: ", "))) are not built yet")
        }
        if let rendering = Self.renderingParameters.first(where: { values[$0] != nil }) {
            throw WebProblem(.badRequest, "\(rendering) applies to rendered images, which are not built yet; leave it out with contentType=application/dicom")
        }
        if let anonymize = values["anonymize"], anonymize != "no" {
            throw WebProblem(.badRequest, "anonymize=\(anonymize) is not supported yet: the principal's role decides what is shown (its attribute view)")
        }
        target = try RetrieveTarget(study: study, series: series, instance: object)
        acceptance = switch values["transferSyntax"] {
        case nil: DICOMPartAcceptance(choices: [.syntax(TransferSyntax.explicitVRLittleEndian.uid)])
        case "*"?: DICOMPartAcceptance(choices: [.asStored])
        case let uid?: DICOMPartAcceptance(choices: [.syntax(uid)])
        }
    }
}
