import DICOM
import Hummingbird
import Imaging
import NIOCore
import NIOPosix

/// What a bulk data resource sends: one binary value, or the frames of compressed pixel data.
enum BulkDataValue: Sendable {
    case bytes(ByteStorage, contentType: String)
    case frames(EncapsulatedFrames, contentType: String)

    var contentType: String {
        switch self {
        case let .bytes(_, contentType), let .frames(_, contentType): contentType
        }
    }

    /// The multipart body: each part read from the file on the thread pool as it is written,
    /// a binary value in chunks of `InstancePart.chunkSize`, so no more than a few chunks or
    /// frames are in hand however large the value. `eventLoop` is that of the connection the
    /// body goes to, which paces the sending (`WriteWindow`).
    func write(boundary: String, eventLoop: any EventLoop, to writer: inout any ResponseBodyWriter) async throws {
        var window = WriteWindow(eventLoop)
        switch self {
        case let .bytes(storage, contentType):
            try await writer.write(ByteBuffer(bytes: MultipartRelated.partHead(boundary: boundary, contentType: contentType)))
            try await Self.stream(storage, window: &window, to: &writer)
            try await writer.write(ByteBuffer(bytes: MultipartRelated.partEnd))
        case let .frames(frames, contentType):
            for index in frames.frames.indices {
                let frame = try await NIOThreadPool.singleton.runIfActive { try frames.frame(index + 1) }
                try await writer.write(ByteBuffer(bytes: MultipartRelated.partHead(boundary: boundary, contentType: contentType)))
                try await writer.write(ByteBuffer(bytes: frame))
                try await writer.write(ByteBuffer(bytes: MultipartRelated.partEnd))
                try await window.wrote()
            }
        }
        try await writer.write(ByteBuffer(bytes: MultipartRelated.close(boundary: boundary)))
    }

    private static func stream(_ storage: ByteStorage, window: inout WriteWindow, to writer: inout any ResponseBodyWriter) async throws {
        switch storage {
        case let .inline(bytes):
            try await writer.write(ByteBuffer(bytes: bytes))
        case let .file(region):
            var start: UInt64 = 0
            while start < region.length {
                // Whole words: the chunk size is a multiple of any word a big-endian value swaps.
                let chunk = FileRegion(path: region.path, offset: region.offset + start, length: min(UInt64(InstancePart.chunkSize), region.length - start),
                                       swapWordSize: region.swapWordSize)
                try await writer.write(ByteBuffer(bytes: try await NIOThreadPool.singleton.runIfActive { try chunk.load() }))
                try await window.wrote()
                start += chunk.length
            }
        }
    }
}
