#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DICOM
import Foundation

/// The file that holds the sequence number of the last record delivered to one collector, as
/// decimal text: the export resumes after it. The audit log itself is the spool; this is all
/// the exporter keeps.
public struct SyslogExportCursor: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The last sequence delivered; 0 (send everything) when the file does not exist yet.
    public func load() throws(SyslogExportError) -> UInt64 {
        guard FileManager.default.fileExists(atPath: path) else { return 0 }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .cursor(path: path, problem: "cannot be read (\(error))")
        }
        guard let sequence = UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw .cursor(path: path, problem: "does not hold a record number")
        }
        return sequence
    }

    /// Replaces the file atomically: a temporary file, fsync, rename, fsync of the folder; so a
    /// crash leaves the old number or the new, never a torn one.
    public func save(_ sequence: UInt64) throws(SyslogExportError) {
        let temporary = path + ".tmp"
        do {
            let sink = try FileSink(creating: temporary)
            try sink.write(Array("\(sequence)\n".utf8))
            try sink.sync()
        } catch {
            unlink(temporary)
            throw .cursor(path: path, problem: "cannot be written (\(error))")
        }
        guard rename(temporary, path) == 0 else {
            throw .cursor(path: path, problem: "cannot be replaced (\(String(cString: strerror(errno))))")
        }
        let folder = (path as NSString).deletingLastPathComponent
        // The rename is done; syncing the folder only hastens its durability, so a folder that
        // cannot be opened costs at most a resend of records after a power cut.
        let descriptor = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        fsync(descriptor)
    }
}
