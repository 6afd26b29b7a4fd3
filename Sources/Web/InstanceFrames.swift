import Access
import Archive
import Imaging

/// Frames of a stored object's native (uncompressed) Pixel Data, by their 1-based numbers
/// (PS3.18 10.4.1.1.4): each frame's bytes read from the file where the value lies, little
/// endian, never the whole multi-frame value in memory (Imaging's `NativeFrames`).
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
        let (_, frames) = try InstanceRendering.pixelSource(instance, view: view, refusal: "the frames are not sent")
        if let beyond = numbers.first(where: { $0 > frames.count }) {
            throw InstanceRendering.problem(.noSuchFrame(beyond, count: frames.count), instance)
        }
        do {
            return try numbers.map { number throws(NativeFramesError) in try frames.frame(number) }
        } catch {
            throw InstanceRendering.problem(error, instance)
        }
    }
}
