import Foundation

/// Folders of the data directory: created with their parents, readable by the owner only
/// (they hold patient data).
public enum DataFolder {
    public static func ensure(_ path: String) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue { return }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ServerSetupError("cannot create \(path): \(error)")
        }
    }
}
