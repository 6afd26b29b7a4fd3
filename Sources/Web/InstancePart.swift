#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Access
import Archive
import DICOM
import DICOMNetwork
import Hummingbird
import Imaging
import NIOPosix
import NIOCore

/// The body of one WADO-RS part: an archived Part 10 file as stored, or re-encoded.
enum InstancePart {
    /// Writes the object of `instance`, read from `file`, in `syntax`, through `view`. The stored file goes as it
    /// is when both leave it unchanged (the archive zeroed its preamble on ingest); otherwise the
    /// object is re-encoded into a temporary file in `spoolDirectory` and sent from there, as
    /// C-GET sends a rewritten object, so no more of it is in memory than its small values.
    /// `eventLoop` is that of the connection the body goes to, which paces the sending.
    static func write(_ instance: StoredInstance, file: String, in syntax: TransferSyntax, view: AttributeView, spoolDirectory: String,
                      eventLoop: any EventLoop, to writer: inout any ResponseBodyWriter) async throws {
        guard !view.isFull || syntax.uid != instance.transferSyntax.uid else {
            return try await stream(file: file, eventLoop: eventLoop, to: &writer)
        }
        let temporary = SpooledFile.uniquePath(in: spoolDirectory, suffix: ".wado")
        defer { unlink(temporary) }
        try await NIOThreadPool.singleton.runIfActive {
            try reencode(file, in: syntax, view: view, into: temporary)
        }
        try await stream(file: temporary, eventLoop: eventLoop, to: &writer)
    }

    /// The file at `path` as a Part 10 file in `syntax`, through `view` when it hides anything:
    /// a new meta group (whose SOP class and instance come from the data set as shown) and the
    /// data set, its pixel data converted by the imaging codecs when `syntax` is not the stored
    /// one (a no-op between uncompressed syntaxes); large values are copied from the stored file
    /// as they are written, and converted pixel data a frame at a time.
    static func reencode(_ path: String, in syntax: TransferSyntax, view: AttributeView, into target: String) throws {
        let file = try DICOMFile(contentsOf: path)
        let meta = DataSet(file.meta.filter { $0.tag != .mediaStorageSOPClassUID && $0.tag != .mediaStorageSOPInstanceUID })
        let stored = DICOMFile(meta: meta, dataSet: DataSet(file.dataSet.filter { $0.tag.group != 0x0002 }), transferSyntax: file.transferSyntax)
        let sink = try Transcoder().transcode(stored, to: syntax, showing: { view.isFull ? $0 : view.apply(to: $0) },
                                              into: FileSink(creating: target, exclusive: true))
        try sink.flush()
    }

    /// 64 KiB: a `WriteWindow` of them is a quarter of a MiB per response in flight; a 1 GiB
    /// retrieve peaks at the server's idle RSS plus a few MiB (test_dicomweb_large.py).
    static let chunkSize = 1 << 16

    /// Sends a file in chunks of `chunkSize`, each read on the thread pool only once the one
    /// before has been written and no more than `WriteWindow.depth` wait on `eventLoop`: a slow
    /// client or a busy event loop holds the server to a few chunks however large the object.
    static func stream(file path: String, eventLoop: any EventLoop, to writer: inout any ResponseBodyWriter) async throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw InstancePartError(path: path, errno: errno) }
        defer { close(descriptor) }
        var window = WriteWindow(eventLoop)
        var offset = 0
        while true {
            let at = offset
            let chunk = try await NIOThreadPool.singleton.runIfActive { () throws -> ByteBuffer in
                var buffer = ByteBufferAllocator().buffer(capacity: chunkSize)
                var failure: Int32 = 0
                buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: chunkSize) { bytes in
                    let count = pread(descriptor, bytes.baseAddress, chunkSize, off_t(at))
                    if count < 0 { failure = errno }
                    return max(count, 0)
                }
                if failure != 0 { throw InstancePartError(path: path, errno: failure) }
                return buffer
            }
            guard chunk.readableBytes > 0 else { return }
            offset += chunk.readableBytes
            try await writer.write(chunk)
            try await window.wrote()
        }
    }
}

/// A stored file that could not be opened or read for sending.
struct InstancePartError: Error, CustomStringConvertible {
    let path: String
    let errno: Int32
    var description: String { "\(path) could not be read: \(String(cString: strerror(errno)))" }
}
