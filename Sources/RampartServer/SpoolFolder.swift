import Foundation

/// Where C-STORE data sets and re-encoded copies for retrieve are written while in flight. No
/// file in it outlives its operation, so whatever is there at start-up was left by a crash and
/// is removed (it was never acknowledged: an acknowledged object is in the blob store).
enum SpoolFolder {
    /// Creates the folder, or empties it; returns how many leftover files it removed.
    static func prepare(_ path: String) throws(ServerSetupError) -> Int {
        try DataFolder.ensure(path)
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw ServerSetupError("cannot list the spool folder \(path): \(error)")
        }
        var removed = 0
        for name in names {
            do {
                try FileManager.default.removeItem(atPath: path + "/" + name)
                removed += 1
            } catch {
                throw ServerSetupError("cannot remove \(path)/\(name), left by an earlier run: \(error)")
            }
        }
        return removed
    }
}
