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
    static func render(_ instance: StoredInstance, file: String, frame: Int?, middle: Bool = false, as request: RenderedRequest,
                       view: AttributeView) throws(WebProblem) -> [UInt8] {
        let (stored, frames) = try pixelSource(instance, file: file, view: view, refusal: "the image is not rendered")
        let number = frame ?? (middle ? (frames.count + 1) / 2 : 1)
        do {
            let (dataSet, bytes) = try frames.frame(number, of: stored)
            let description: PixelDescription
            do {
                description = try PixelDescription(dataSet)
            } catch {
                throw WebProblem(.notAcceptable, "the instance cannot be rendered: \(error)")
            }
            var raster = try FrameRenderer(description, window: request.window).render(bytes)
            if let viewport = request.viewport { raster = try viewport.apply(to: raster) }
            return try request.format.encode(raster)
        } catch let error as WebProblem {
            throw error
        } catch let error as NativeFramesError {
            throw problem(error, instance)
        } catch let error as TranscodeError {
            throw WebProblem(.notAcceptable, "the instance cannot be rendered: its pixel data cannot be decoded: \(error)")
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

    /// The data set of `instance` (read from `file`, large values left in it) and its frames, native or
    /// decoded from the stored syntax, once the view lets its pixels out; `refusal` begins the
    /// message when it does not.
    static func pixelSource(_ instance: StoredInstance, file: String, view: AttributeView, refusal: String) throws(WebProblem) -> (DataSet, RenderableFrames) {
        let dataSet = try pixelDataSet(file: file, view: view, refusal: refusal)
        if case .encapsulated? = dataSet[WebTag.pixelData]?.value, DecodedFrames.canDecode(instance.transferSyntax) {
            do {
                return (dataSet, .decoded(try DecodedFrames(dataSet, syntax: instance.transferSyntax)))
            } catch {
                throw WebProblem(.notAcceptable, "the instance cannot be rendered: its pixel data cannot be decoded: \(error)")
            }
        }
        do {
            return (dataSet, .native(try NativeFrames(dataSet)))
        } catch {
            throw problem(error, instance)
        }
    }

    /// The frames a rendering reads: native, or decoded from a compressed syntax.
    enum RenderableFrames: Sendable {
        case native(NativeFrames)
        case decoded(DecodedFrames)

        var count: Int {
            switch self {
            case let .native(frames): frames.count
            case let .decoded(frames): frames.count
            }
        }

        /// Frame `number`, and the data set that describes its bytes: a decoded frame's
        /// photometric interpretation and planar configuration are its codec's, not the stored ones.
        func frame(_ number: Int, of dataSet: DataSet) throws -> (DataSet, [UInt8]) {
            switch self {
            case let .native(frames):
                return (dataSet, try frames.frame(number))
            case let .decoded(frames):
                let decoded = try frames.frame(number)
                var described = dataSet
                described.insert(.text(WebTag.photometricInterpretation, .CS, [decoded.layout.photometricInterpretation]))
                if decoded.layout.samplesPerPixel > 1 {
                    let planar: UInt16 = decoded.layout.isPlanar ? 1 : 0
                    described.insert(DataElement(tag: WebTag.planarConfiguration, vr: .US, bytes: [UInt8(planar), 0]))
                }
                return (described, decoded.bytes)
            }
        }
    }

    /// The data set of the stored object in `file`, large values left in the file, once the view
    /// lets its pixels out; `refusal` begins the message when it does not.
    static func pixelDataSet(file: String, view: AttributeView, refusal: String) throws(WebProblem) -> DataSet {
        let dataSet: DataSet
        do {
            dataSet = try DICOMFile(contentsOf: file).dataSet
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
                + "(\(instance.transferSyntax.uid)), which Rampart does not decode: retrieve the instance with transfer-syntax=*")
        case .noWholeByteLayout: WebProblem(.notAcceptable, "\(error)")
        case .noSuchFrame: WebProblem(.notFound, "\(error)")
        case .shorterThanFrames, .unreadable: WebProblem(.internalServerError, "\(error)")
        }
    }
}
