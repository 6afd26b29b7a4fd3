import DICOM
import Foundation

/// Folders of the data directory: created with their parents, readable by the owner only
/// (they hold patient data).
public enum DataFolder {
    public static func ensure(_ path: String) throws(ServerSetupError) {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue { return }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ServerSetupError("cannot create \(path): \(error)")
        }
    }

    /// Writes a whole file readable by the owner only (mode 0600): to a temporary name, flushed,
    /// then renamed over the old one, so a crash leaves either the old file or the new.
    public static func writePrivately(_ data: Data, to path: String) throws(ServerSetupError) {
        let temporary = path + ".tmp"
        do {
            let sink = try FileSink(creating: temporary)
            try data.withUnsafeBytes { try sink.write(contentsOf: $0) }
            try sink.sync()
        } catch {
            unlink(temporary)
            throw ServerSetupError("cannot write \(temporary): \(error); check that the data folder is writable")
        }
        guard rename(temporary, path) == 0 else {
            throw ServerSetupError("cannot replace \(path): \(String(cString: strerror(errno)))")
        }
    }
}
