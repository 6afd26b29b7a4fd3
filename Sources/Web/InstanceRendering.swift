import Access
import Archive
import DICOM
import Imaging

/// One frame of an archived object rendered as a rendered request asks: read with large values
/// left in the file, its frame read alone, rendered, fitted to the viewport, encoded. The view
/// decides first whether its pixels may leave at all (`AttributeView.refusesPixels`); rendered
/// images carry no data elements and no text, so nothing else of the view applies.
enum InstanceRendering {
    private static let burnedInAnnotation = Tag(0x0028, 0x0301)

    /// `frame` nil: the middle frame when `middle`, else the first (PS3.18 leaves the frame of a
    /// multi-frame instance's rendering to the server; Rampart renders the first, as dcm4chee
    /// and Orthanc do).
    static func render(_ instance: StoredInstance, frame: Int?, middle: Bool = false, as request: RenderedRequest,
                       view: AttributeView) throws(WebProblem) -> [UInt8] {
        let (dataSet, frames) = try pixelSource(instance, view: view, refusal: "the image is not rendered")
        let description: PixelDescription
        do {
            description = try PixelDescription(dataSet)
        } catch {
            throw WebProblem(.notAcceptable, "the instance cannot be rendered: \(error)")
        }
        let number = frame ?? (middle ? (frames.count + 1) / 2 : 1)
        do {
            var raster = try FrameRenderer(description, window: request.window).render(try frames.frame(number))
            if let viewport = request.viewport { raster = try viewport.apply(to: raster) }
            return try request.format.encode(raster)
        } catch let error as NativeFramesError {
            throw problem(error, instance)
        } catch let error as RenderingError {
            switch error {
            case .regionOutsideImage: throw WebProblem(.badRequest, "\(error)")
            case .frameTooShort, .noPalette: throw WebProblem(.notAcceptable, "the instance cannot be rendered: \(error)")
            case .encoder: throw WebProblem(.internalServerError, "\(error)")
            }
        } catch {
            throw WebProblem(.internalServerError, "the image could not be rendered")
        }
    }

    /// The data set of `instance` (large values left in the file) and its native frames, once
    /// the view lets its pixels out; `refusal` begins the message when it does not.
    static func pixelSource(_ instance: StoredInstance, view: AttributeView, refusal: String) throws(WebProblem) -> (DataSet, NativeFrames) {
        let dataSet = try pixelDataSet(instance, view: view, refusal: refusal)
        do {
            return (dataSet, try NativeFrames(dataSet))
        } catch {
            throw problem(error, instance)
        }
    }

    /// The data set of `instance`, large values left in the file, once the view lets its pixels
    /// out; `refusal` begins the message when it does not.
    static func pixelDataSet(_ instance: StoredInstance, view: AttributeView, refusal: String) throws(WebProblem) -> DataSet {
        let dataSet: DataSet
        do {
            dataSet = try DICOMFile(contentsOf: instance.path).dataSet
        } catch {
            throw WebProblem(.internalServerError, "the stored object could not be read")
        }
        if let reason = view.refusesPixels(burnedInAnnotation: dataSet.string(burnedInAnnotation)) {
            throw WebProblem(.forbidden, "\(refusal): \(reason); ask for a role whose view shows the patient's identity")
        }
        return dataSet
    }

    static func problem(_ error: NativeFramesError, _ instance: StoredInstance) -> WebProblem {
        switch error {
        case .noPixelData: WebProblem(.notFound, "the instance has no pixel data")
        case .encapsulated:
            WebProblem(.notAcceptable, "the instance's pixel data is stored compressed in \(instance.transferSyntax.name) "
                + "(\(instance.transferSyntax.uid)), which Rampart does not decode yet: retrieve the instance with transfer-syntax=*")
        case .noWholeByteLayout: WebProblem(.notAcceptable, "\(error)")
        case .noSuchFrame: WebProblem(.notFound, "\(error)")
        case .shorterThanFrames, .unreadable: WebProblem(.internalServerError, "\(error)")
        }
    }
}
