#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DICOM
import NIOCore

/// A Part 10 file written while a C-STORE data set arrives. The receiver of the message owns it:
/// move it into place (`rename`) or let `remove()` delete it.
public struct SpooledFile: Sendable, Hashable {
    public let path: String
    public let sopClassUID: String
    public let sopInstanceUID: String
    public let transferSyntax: TransferSyntax
    /// Bytes written, preamble and meta group included.
    public internal(set) var length: Int

    public func remove() {
        unlink(path)
    }

    /// A new file name in `directory` that no other writer picks: 128 random bits.
    public static func uniquePath(in directory: String, suffix: String) -> String {
        directory + "/" + (0..<16).map { _ in String(UInt8.random(in: 0...255), radix: 16) }.joined() + suffix
    }
}

/// Writes a spooled Part 10 file fragment by fragment.
struct SpoolWriter {
    private(set) var file: SpooledFile
    private let sink: FileSink

    /// Creates `directory/<random>.part` (0600, exclusive) and writes the preamble and a meta
    /// group that names the instance, its transfer syntax and the sending AE (PS3.10 7.1).
    init(directory: String, sopClassUID: String, sopInstanceUID: String, transferSyntax: TransferSyntax, sourceAE: AETitle) throws {
        let path = SpooledFile.uniquePath(in: directory, suffix: ".part")
        sink = try FileSink(creating: path, exclusive: true)
        file = SpooledFile(path: path, sopClassUID: sopClassUID, sopInstanceUID: sopInstanceUID, transferSyntax: transferSyntax, length: 0)
        var meta = DataSet()
        meta.insert(.uid(.mediaStorageSOPClassUID, sopClassUID))
        meta.insert(.uid(.mediaStorageSOPInstanceUID, sopInstanceUID))
        if !sourceAE.isBlank {
            meta.insert(DataElement(tag: .sourceApplicationEntityTitle, vr: .AE, bytes: Array(sourceAE.value.utf8) + (sourceAE.value.utf8.count % 2 == 1 ? [0x20] : [])))
        }
        let header = DICOMFile(meta: meta, dataSet: DataSet(), transferSyntax: transferSyntax)
        var bytes = [UInt8](repeating: 0, count: 128) + Array("DICM".utf8)
        bytes += try DataSetEncoder(explicitVR: true).encode(try header.metaForWriting())
        do {
            try sink.write(bytes)
        } catch {
            unlink(path)
            throw error
        }
        file.length = bytes.count
    }

    mutating func append(_ fragment: ByteBuffer) throws {
        try fragment.withUnsafeReadableBytes { try sink.write(contentsOf: $0) }
        file.length += fragment.readableBytes
    }

    func finish() throws -> SpooledFile {
        try sink.flush()
        return file
    }

    func discard() {
        try? sink.flush()
        file.remove()
    }
}
