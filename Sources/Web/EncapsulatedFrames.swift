import DICOM

/// The frames of encapsulated (compressed) pixel data, each the bytes of its fragments joined,
/// delimited as PS3.5 A.4 allows: by the Extended Offset Table, else the Basic Offset Table,
/// else one frame made of every fragment, else one fragment per frame. Fragments stay in the
/// file until a frame is read.
struct EncapsulatedFrames: Sendable {
    /// The fragments of each frame, in frame order.
    let frames: [[ByteStorage]]

    private static let extendedOffsetTable = Tag(0x7FE0, 0x0001)

    init(_ pixels: EncapsulatedPixelData, numberOfFrames: Int, in dataSet: DataSet) throws(WebProblem) {
        let offsets: [UInt64]
        do {
            if let table = dataSet[Self.extendedOffsetTable], case let .bytes(storage) = table.value {
                offsets = Self.uint64s(try storage.load())
            } else {
                offsets = try pixels.basicOffsets().map(UInt64.init)
            }
        } catch {
            throw WebProblem(.internalServerError, "the offset table of the stored pixel data could not be read")
        }
        if !offsets.isEmpty {
            frames = try Self.split(pixels.fragments, at: offsets)
        } else if numberOfFrames == 1 {
            frames = [pixels.fragments]
        } else if pixels.fragments.count == numberOfFrames {
            frames = pixels.fragments.map { [$0] }
        } else {
            throw WebProblem(.notAcceptable, "the stored pixel data has \(pixels.fragments.count) fragments for \(numberOfFrames) frames and no "
                + "offset table, so its frames cannot be told apart: retrieve the instance with transfer-syntax=*")
        }
        guard frames.count == numberOfFrames else {
            throw WebProblem(.internalServerError, "the stored pixel data's offset table names \(frames.count) frames, Number of Frames \(numberOfFrames)")
        }
    }

    /// Groups fragments by the frame each starts, given where each frame starts, counted from the
    /// first byte of the first fragment's item (8 bytes of item header before each fragment).
    private static func split(_ fragments: [ByteStorage], at offsets: [UInt64]) throws(WebProblem) -> [[ByteStorage]] {
        var frames: [[ByteStorage]] = []
        var position: UInt64 = 0
        var next = 0
        for fragment in fragments {
            if next < offsets.count, position == offsets[next] {
                frames.append([])
                next += 1
            } else if next < offsets.count, position > offsets[next] || frames.isEmpty {
                throw WebProblem(.internalServerError, "the stored pixel data's offset table does not point at the start of a fragment")
            }
            frames[frames.count - 1].append(fragment)
            position += 8 + UInt64(fragment.count)
        }
        guard next == offsets.count else {
            throw WebProblem(.internalServerError, "the stored pixel data's offset table points past its last fragment")
        }
        return frames
    }

    /// The Extended Offset Table's 64-bit little-endian offsets.
    private static func uint64s(_ bytes: [UInt8]) -> [UInt64] {
        stride(from: 0, to: bytes.count - bytes.count % 8, by: 8).map { start in
            (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[start + $1]) << (8 * UInt64($1)) }
        }
    }

    /// Frame `number` (from 1), its fragments joined.
    func frame(_ number: Int) throws -> [UInt8] {
        try frames[number - 1].reduce(into: [UInt8]()) { $0 += try $1.load() }
    }
}
