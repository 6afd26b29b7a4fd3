#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Objects of the object store kept on the local disk to be read (`<archive>/cache`), each
/// exactly as the store holds it (still sealed when blobs are sealed), at most `capacity` bytes
/// in all: the least recently used go first. A reader holds an open descriptor, so eviction
/// never pulls a file from under it (the bytes stay until it is closed).
///
/// Files are named after their object keys (`/` as `_`: UIDs and hex never contain `_`) and
/// arrive whole: written under a temporary name in `.incoming` and renamed.
struct BlobCache: Sendable {
    let folder: String
    let capacity: Int

    init(folder: String, capacity: Int) throws(BlobStoreError) {
        self.folder = folder
        self.capacity = capacity
        try BlobStore.makeFolder(incoming)
    }

    private var incoming: String { folder + "/.incoming" }

    func path(of key: String) -> String {
        folder + "/" + key.replacingOccurrences(of: "/", with: "_")
    }

    /// A new name in the staging folder for the bytes of `key`.
    func temporaryPath(for key: String) -> String {
        incoming + "/." + key.replacingOccurrences(of: "/", with: "_") + ".tmp-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
    }

    /// An open descriptor of the cached copy of `key`, nil when it is not cached. Marks it used.
    func openCopy(of key: String) -> Int32? {
        let fd = open(path(of: key), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        _ = futimens(fd, nil)  // the modification time orders eviction
        return fd
    }

    /// Takes the complete file at `temporary` in as the copy of `key`, then evicts what exceeds
    /// the capacity; returns a descriptor open on it (nil when it cannot be opened).
    @discardableResult
    func admit(_ temporary: String, key: String) -> Int32? {
        let fd = open(temporary, O_RDONLY | O_CLOEXEC)
        if rename(temporary, path(of: key)) != 0 { unlink(temporary) }
        evict()
        return fd >= 0 ? fd : nil
    }

    func remove(_ key: String) {
        unlink(path(of: key))
    }

    /// Removes the least recently used files until the cache holds at most `capacity` bytes.
    func evict() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        var files: [(path: String, size: Int, used: Date)] = []
        var total = 0
        for name in names where !name.hasPrefix(".") {
            let path = folder + "/" + name
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path), attributes[.type] as? FileAttributeType == .typeRegular,
                  let size = (attributes[.size] as? NSNumber)?.intValue, let used = attributes[.modificationDate] as? Date
            else { continue }
            files.append((path, size, used))
            total += size
        }
        guard total > capacity else { return }
        for file in files.sorted(by: { $0.used < $1.used }) where total > capacity {
            unlink(file.path)
            total -= file.size
        }
    }

    /// Removes the leftovers of interrupted downloads and uploads; returns their names.
    func removeTemporaryFiles() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: incoming)) ?? []
        for name in names { unlink(incoming + "/" + name) }
        return names.sorted()
    }
}
