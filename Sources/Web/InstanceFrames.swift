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

    /// The frames of `instance`, read from `file` (which must stay readable while they are), checked to hold each of `numbers`, to be read one at a time
    /// (compressed ones decoded when `decode`); refused like a rendering when the view may not let
    /// its pixels out (raw frames show burned-in text as well as a rendering does).
    static func source(of instance: StoredInstance, file: String, numbers: [Int], view: AttributeView, decode: Bool = false) throws(WebProblem) -> FrameSource {
        let dataSet = try InstanceRendering.pixelDataSet(file: file, view: view, refusal: "the frames are not sent")
        let source: FrameSource
        if case let .encapsulated(pixels)? = dataSet[WebTag.pixelData]?.value {
            if decode {
                do {
                    source = .decoded(try DecodedFrames(dataSet, syntax: instance.transferSyntax))
                } catch {
                    throw WebProblem(.notAcceptable, "the stored pixel data cannot be decoded: \(error); retrieve it with transfer-syntax=*")
                }
            } else {
                source = .compressed(try EncapsulatedFrames(stored: pixels, in: dataSet))
            }
        } else {
            do {
                source = .native(try NativeFrames(dataSet))
            } catch {
                throw InstanceRendering.problem(error, instance)
            }
        }
        if let beyond = numbers.first(where: { $0 > source.count }) {
            throw WebProblem(.notFound, "frame \(beyond) does not exist: the instance has \(source.count) frame(s)")
        }
        return source
    }

    /// The frames of one object's pixel data: native, compressed as stored, or decompressed.
    enum FrameSource: Sendable {
        case native(NativeFrames)
        case compressed(EncapsulatedFrames)
        case decoded(DecodedFrames)

        var count: Int {
            switch self {
            case let .native(frames): frames.count
            case let .compressed(frames): frames.frames.count
            case let .decoded(frames): frames.count
            }
        }

        /// Frame `number` (from 1), read from the file (and decoded) now.
        func frame(_ number: Int) throws -> [UInt8] {
            switch self {
            case let .native(frames): try frames.frame(number)
            case let .compressed(frames): try frames.frame(number)
            case let .decoded(frames): try frames.frame(number).bytes
            }
        }
    }
}
