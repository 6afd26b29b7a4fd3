import DICOM

/// The frames of encapsulated (compressed) pixel data, each the bytes of its fragments joined,
/// delimited as PS3.5 A.4 allows: by the Extended Offset Table, else the Basic Offset Table,
/// else one frame made of every fragment, else one fragment per frame. Fragments stay in the
/// file until a frame is read.
public struct EncapsulatedFrames: Sendable {
    /// The fragments of each frame, in frame order.
    public let frames: [[ByteStorage]]

    private static let extendedOffsetTable = Tag(0x7FE0, 0x0001)

    public init(_ pixels: EncapsulatedPixelData, numberOfFrames: Int, in dataSet: DataSet) throws(EncapsulatedFramesError) {
        let offsets: [UInt64]
        do {
            if let table = dataSet[Self.extendedOffsetTable], case let .bytes(storage) = table.value {
                offsets = Self.uint64s(try storage.load())
            } else {
                offsets = try pixels.basicOffsets().map(UInt64.init)
            }
        } catch {
            throw .offsetTableUnreadable("\(error)")
        }
        if !offsets.isEmpty {
            frames = try Self.split(pixels.fragments, at: offsets)
        } else if numberOfFrames == 1 {
            frames = [pixels.fragments]
        } else if pixels.fragments.count == numberOfFrames {
            frames = pixels.fragments.map { [$0] }
        } else {
            throw .framesIndistinct(fragments: pixels.fragments.count, numberOfFrames: numberOfFrames)
        }
        guard frames.count == numberOfFrames else {
            throw .frameCountMismatch(inOffsetTable: frames.count, numberOfFrames: numberOfFrames)
        }
    }

    /// Groups fragments by the frame each starts, given where each frame starts, counted from the
    /// first byte of the first fragment's item (8 bytes of item header before each fragment).
    private static func split(_ fragments: [ByteStorage], at offsets: [UInt64]) throws(EncapsulatedFramesError) -> [[ByteStorage]] {
        var frames: [[ByteStorage]] = []
        var position: UInt64 = 0
        var next = 0
        for fragment in fragments {
            if next < offsets.count, position == offsets[next] {
                frames.append([])
                next += 1
            } else if next < offsets.count, position > offsets[next] || frames.isEmpty {
                throw .offsetNotAtFragment(offsets[next])
            }
            frames[frames.count - 1].append(fragment)
            position += 8 + UInt64(fragment.count)
        }
        guard next == offsets.count else { throw .offsetPastLastFragment(offsets[next]) }
        return frames
    }

    /// The Extended Offset Table's 64-bit little-endian offsets.
    private static func uint64s(_ bytes: [UInt8]) -> [UInt64] {
        stride(from: 0, to: bytes.count - bytes.count % 8, by: 8).map { start in
            (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[start + $1]) << (8 * UInt64($1)) }
        }
    }

    /// Frame `number` (from 1), its fragments joined.
    public func frame(_ number: Int) throws(EncapsulatedFramesError) -> [UInt8] {
        guard frames.indices.contains(number - 1) else { throw .noSuchFrame(number, count: frames.count) }
        do {
            return try frames[number - 1].reduce(into: [UInt8]()) { $0 += try $1.load() }
        } catch {
            throw .unreadable("\(error)")
        }
    }
}

/// Why the frames of encapsulated pixel data cannot be told apart or read.
public enum EncapsulatedFramesError: Error, Sendable, Equatable, CustomStringConvertible {
    case offsetTableUnreadable(String)
    /// No offset table, several frames, and not one fragment per frame.
    case framesIndistinct(fragments: Int, numberOfFrames: Int)
    case frameCountMismatch(inOffsetTable: Int, numberOfFrames: Int)
    case offsetNotAtFragment(UInt64)
    case offsetPastLastFragment(UInt64)
    case noSuchFrame(Int, count: Int)
    case unreadable(String)

    public var description: String {
        switch self {
        case let .offsetTableUnreadable(reason): "the offset table of the pixel data could not be read: \(reason)"
        case let .framesIndistinct(fragments, frames):
            "the pixel data has \(fragments) fragments for \(frames) frames and no offset table, so its frames cannot be told apart"
        case let .frameCountMismatch(inTable, frames): "the pixel data's offset table names \(inTable) frames, Number of Frames \(frames)"
        case let .offsetNotAtFragment(offset): "the pixel data's offset table has offset \(offset), which is not the start of a fragment"
        case let .offsetPastLastFragment(offset): "the pixel data's offset table has offset \(offset), past its last fragment"
        case let .noSuchFrame(number, count): "frame \(number) does not exist: the pixel data has \(count) frame(s)"
        case let .unreadable(reason): "a frame of the pixel data could not be read: \(reason)"
        }
    }
}
