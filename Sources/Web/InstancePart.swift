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
import NIOPosix
import _NIOFileSystem

/// The body of one WADO-RS part: an archived Part 10 file as stored, or re-encoded.
enum InstancePart {
    /// Writes the object of `instance` in `syntax`, through `view`. The stored file goes as it
    /// is when both leave it unchanged (the archive zeroed its preamble on ingest); otherwise the
    /// object is re-encoded into a temporary file in `spoolDirectory` and sent from there, as
    /// C-GET sends a rewritten object, so no more of it is in memory than its small values.
    static func write(_ instance: StoredInstance, in syntax: TransferSyntax, view: AttributeView, spoolDirectory: String,
                      to writer: inout any ResponseBodyWriter) async throws {
        guard !view.isFull || syntax.uid != instance.transferSyntax.uid else {
            return try await stream(file: instance.path, to: &writer)
        }
        let temporary = SpooledFile.uniquePath(in: spoolDirectory, suffix: ".wado")
        defer { unlink(temporary) }
        try await NIOThreadPool.singleton.runIfActive {
            try reencode(instance.path, in: syntax, view: view, into: temporary)
        }
        try await stream(file: temporary, to: &writer)
    }

    /// The file at `path` as a Part 10 file in `syntax`, through `view` when it hides anything:
    /// a new meta group (whose SOP class and instance come from the data set as shown) and the
    /// data set; large values are copied from the stored file as they are written.
    static func reencode(_ path: String, in syntax: TransferSyntax, view: AttributeView, into target: String) throws {
        let file = try DICOMFile(contentsOf: path)
        let stored = DataSet(file.dataSet.filter { $0.tag.group != 0x0002 })
        let meta = DataSet(file.meta.filter { $0.tag != .mediaStorageSOPClassUID && $0.tag != .mediaStorageSOPInstanceUID })
        let shown = view.isFull ? stored : view.apply(to: stored)
        var sink = try FileSink(creating: target, exclusive: true)
        try DICOMFile(meta: meta, dataSet: shown, transferSyntax: syntax).write(into: &sink)
        try sink.flush()
    }

    /// Sends a file in chunks of 1 MiB, read off the event loop.
    static func stream(file path: String, to writer: inout any ResponseBodyWriter) async throws {
        try await FileSystem.shared.withFileHandle(forReadingAt: .init(path)) { handle in
            let size = try await handle.info().size
            for try await chunk in handle.readChunks(in: 0..<size, chunkLength: .mebibytes(1)) {
                try await writer.write(chunk)
            }
        }
    }
}
