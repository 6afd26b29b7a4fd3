import DICOM

/// A WADO-URI request (PS3.18 9): `requestType=WADO` with the study, series and object UIDs,
/// asking for the object as `application/dicom`, or rendered as image/jpeg (the standard's
/// default) or image/png. `region` and presentation states are refused with what to ask for
/// instead, and so is `anonymize`: the principal's view decides what is shown.
struct WADOURIRequest: Sendable {
    /// What goes out: the object, or an image of one of its frames.
    enum Representation: Sendable {
        /// The syntax the object goes out in: `transferSyntax`, or Explicit VR Little Endian
        /// (PS3.18 9.2.3.3's default); `*` takes it as stored, as dcm4chee allows.
        case object(DICOMPartAcceptance)
        case rendered(RenderedRequest)
    }

    let target: RetrieveTarget
    let representation: Representation

    /// Parameters that only a rendered image takes.
    private static let renderingParameters: Set<String> = [
        "annotation", "rows", "columns", "region", "windowCenter", "windowWidth", "frameNumber", "imageQuality",
        "presentationUID", "presentationSeriesUID",
    ]
    /// Rendering parameters Rampart does not apply.
    private static let unsupportedRenderingParameters = ["region", "presentationUID", "presentationSeriesUID"]

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
        let rendered = !types.contains(MediaType.dicom)
        if rendered, let unsupported = Self.unsupportedRenderingParameters.first(where: { values[$0] != nil }) {
            throw WebProblem(.badRequest, "\(unsupported) is not supported: leave it out, and Rampart renders the whole image as stored")
        }
        if !rendered, let rendering = Self.renderingParameters.first(where: { values[$0] != nil }) {
            throw WebProblem(.badRequest, "\(rendering) applies to rendered images (contentType=image/jpeg or image/png), not to application/dicom")
        }
        if let anonymize = values["anonymize"], anonymize != "no" {
            throw WebProblem(.badRequest, "anonymize=\(anonymize) is not supported yet: the principal's role decides what is shown (its attribute view)")
        }
        target = try RetrieveTarget(study: study, series: series, instance: object)
        guard rendered else {
            representation = switch values["transferSyntax"] {
            case nil: .object(DICOMPartAcceptance(choices: [.syntax(TransferSyntax.explicitVRLittleEndian.uid)]))
            case "*"?: .object(DICOMPartAcceptance(choices: [.asStored]))
            case let uid?: .object(DICOMPartAcceptance(choices: [.syntax(uid)]))
            }
            return
        }
        representation = .rendered(try RenderedRequest(uri: values, types: types))
    }
}
