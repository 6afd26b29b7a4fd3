import Access
import Archive
import DICOM
import Imaging

/// Frames of a stored object's Pixel Data, by their 1-based numbers (PS3.18 10.4.1.1.4): each
/// frame's bytes read from the file where the value lies, never the whole multi-frame value in
/// memory; native frames little endian (Imaging's `NativeFrames`), compressed ones as stored
/// (`EncapsulatedFrames`).
enum InstanceFrames {
    /// The frame numbers of a path segment such as "1,3,4": each at least 1.
    static func numbers(_ text: String) throws(WebProblem) -> [Int] {
        let numbers = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
        guard !numbers.isEmpty, numbers.count <= 1000, numbers.allSatisfy({ ($0 ?? 0) >= 1 }) else {
            throw WebProblem(.badRequest, "frames must be a comma-separated list of frame numbers from 1, at most 1000 of them, not \(text)")
        }
        return numbers.compactMap { $0 }
    }

    /// The frames `numbers` of `instance`; refused like a rendering when the view may not let
    /// its pixels out (raw frames show burned-in text as well as a rendering does).
    static func frames(of instance: StoredInstance, numbers: [Int], view: AttributeView) throws(WebProblem) -> [[UInt8]] {
        let dataSet = try InstanceRendering.pixelDataSet(instance, view: view, refusal: "the frames are not sent")
        if case let .encapsulated(pixels)? = dataSet[WebTag.pixelData]?.value {
            return try compressed(pixels, in: dataSet, numbers: numbers)
        }
        let frames: NativeFrames
        do {
            frames = try NativeFrames(dataSet)
        } catch {
            throw InstanceRendering.problem(error, instance)
        }
        if let beyond = numbers.first(where: { $0 > frames.count }) {
            throw InstanceRendering.problem(.noSuchFrame(beyond, count: frames.count), instance)
        }
        do {
            return try numbers.map { number throws(NativeFramesError) in try frames.frame(number) }
        } catch {
            throw InstanceRendering.problem(error, instance)
        }
    }

    /// Frames of encapsulated pixel data, as stored.
    private static func compressed(_ pixels: EncapsulatedPixelData, in dataSet: DataSet, numbers: [Int]) throws(WebProblem) -> [[UInt8]] {
        let frames = try EncapsulatedFrames(pixels, numberOfFrames: dataSet.int(WebTag.numberOfFrames) ?? 1, in: dataSet)
        if let beyond = numbers.first(where: { $0 > frames.frames.count }) {
            throw WebProblem(.notFound, "frame \(beyond) does not exist: the instance has \(frames.frames.count) frame(s)")
        }
        do {
            return try numbers.map(frames.frame)
        } catch {
            throw WebProblem(.internalServerError, "a frame could not be read from the stored object")
        }
    }
}
