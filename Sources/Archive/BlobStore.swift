#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Access
import Crypto
import DICOM
import Foundation

/// Part 10 files on the local filesystem, one per instance, at `<root>/<study>/<series>/<sop>.dcm`
/// (see `BlobKey.relativePath`). Paths derive only from validated UIDs (DESIGN.md "Storage").
///
/// Every write is durable before it is visible under its final name: the bytes go to a temporary
/// name in the staging folder (`.incoming/.<sop>.dcm.tmp-<random>`) and are fsynced (`stage`),
/// then renamed into place and the folder is fsynced (`commit`). A crash leaves either the old
/// file, the new file, or a stray temporary file that start-up recovery removes
/// (`isTemporaryName`).
///
/// The 128-byte Part 10 preamble is zeroed on the way in (CVE-2019-11687: a preamble can make a
/// file a valid executable too). A copied file is rewritten with zeros there; a moved file is
/// renamed as it is when its preamble is already zero (as SpoolWriter writes it), and copied with
/// zeros otherwise.
public struct BlobStore: Sendable {
    /// The folder holding the blobs.
    public let root: String

    /// Opens (creating, mode 0700) the folder `root`.
    public init(root: String) throws(BlobStoreError) {
        self.root = root
        try Self.makeFolder(root)
    }

    public func absolutePath(_ relativePath: String) -> String {
        root + "/" + relativePath
    }

    /// The folder where `stage` writes its copies (inside the root, so a rename takes them in).
    var stagingFolder: String { root + "/.incoming" }

    /// Makes the Part 10 file at `source` durable with a zeroed preamble, ready for `commit`.
    /// A copy goes to the staging folder under a temporary name (`isTemporaryName`), so recovery
    /// removes it if the process dies before `commit` or `discard`. With `moving`, a file that
    /// already has a zero preamble (as SpoolWriter writes it) and is on the store's filesystem is
    /// only fsynced, to be renamed by `commit`. `source` itself is never changed.
    func stageBlocking(file source: String, key: BlobKey, moving: Bool) throws(BlobStoreError) -> StagedBlob {
        if moving, try Self.hasZeroPreamble(source), try Self.device(of: source) == Self.device(of: root) {
            try Self.fsyncFile(source)
            let (size, digest) = try Self.digest(of: source)
            return StagedBlob(path: source, origin: .callersFile, size: size, sha256: digest)
        }
        try Self.makeFolder(stagingFolder)
        let temporary = temporaryPath(for: key)
        do throws(BlobStoreError) {
            let (size, digest) = try Self.copyZeroingPreamble(from: source, to: temporary)
            return StagedBlob(path: temporary, origin: .copy, size: size, sha256: digest)
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Renames a staged blob to its place under `key`, replacing what is there, and fsyncs the
    /// folder: when this returns, the blob is durable under its final name. Returns the relative
    /// path.
    func commit(_ staged: StagedBlob, key: BlobKey) throws(BlobStoreError) -> String {
        try commit([(staged, key)])[0].get()
    }

    /// Renames each staged blob into place, then fsyncs each folder they went to once. A blob
    /// whose rename or folder fsync failed gets the error (renamed but not synced, it is an
    /// orphan that recovery removes if no index row names it).
    func commit(_ blobs: [(staged: StagedBlob, key: BlobKey)]) -> [Result<String, BlobStoreError>] {
        let renamed = blobs.map { staged, key in
            Result { () throws(BlobStoreError) -> (relative: String, folder: String) in
                let destination = absolutePath(key.relativePath)
                try makeFolders(for: key)
                guard rename(staged.path, destination) == 0 else { throw .cannotWrite(path: destination, errno: errno) }
                return (key.relativePath, String(destination[..<destination.lastIndex(of: "/")!]))
            }
        }
        // Every rename is done (`map` is eager): each folder is fsynced once, for all of them.
        var synced: [String: Result<Void, BlobStoreError>] = [:]
        return renamed.map { result in
            result.flatMap { blob in
                let sync = synced[blob.folder] ?? Result { () throws(BlobStoreError) in try Self.fsyncFolder(blob.folder) }
                synced[blob.folder] = sync
                return sync.map { blob.relative }
            }
        }
    }

    /// Drops a staged blob that was not committed; the caller's own file stays.
    func discard(_ staged: StagedBlob) {
        switch staged.origin {
        case .copy: unlink(staged.path)
        case .callersFile, .uploaded: break
        }
    }

    /// Removes a blob; a missing one is not an error (the goal is that it is gone). The folder
    /// entry is fsynced so the removal survives a crash, and emptied folders are removed.
    public func remove(_ relativePath: String) {
        let path = absolutePath(relativePath)
        unlink(path)
        var folder = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
        try? Self.fsyncFolder(folder)
        // Up to the series and study folders; rmdir fails harmlessly on a folder that is not empty.
        for _ in 0..<2 where folder.count > root.count {
            guard rmdir(folder) == 0 else { break }
            folder = String(folder[..<(folder.lastIndex(of: "/") ?? folder.endIndex)])
        }
    }

    /// Every file below the root as a relative path (symbolic links included, not followed).
    public func allFiles() -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [String] = []
        while let next = enumerator.nextObject() as? String {
            var info = stat()
            guard lstat(absolutePath(next), &info) == 0 else { continue }
            if (info.st_mode & S_IFMT) != S_IFDIR { files.append(next) }
        }
        return files
    }

    /// A new name in the staging folder for the bytes of `key` before `commit` (`isTemporaryName`).
    func temporaryPath(for key: BlobKey) -> String {
        stagingFolder + "/." + key.sopInstanceUID.value + ".dcm.tmp-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
    }

    /// True for a name `stage` writes before `commit` renames it: leftovers of an interrupted write.
    public static func isTemporaryName(_ relativePath: String) -> Bool {
        let name = relativePath.split(separator: "/").last.map(String.init) ?? relativePath
        return name.hasPrefix(".") && name.contains(".dcm.tmp-")
    }

    public func exists(_ relativePath: String) -> Bool {
        var info = stat()
        return lstat(absolutePath(relativePath), &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    // MARK: Files

    private func makeFolders(for key: BlobKey) throws(BlobStoreError) {
        let study = root + "/" + key.studyInstanceUID.value
        let series = study + "/" + key.seriesInstanceUID.value
        if try Self.makeFolder(study) { try Self.fsyncFolder(root) }
        if try Self.makeFolder(series) { try Self.fsyncFolder(study) }
    }

    /// Creates a folder (and its parents) with mode 0700; true when it was created now.
    @discardableResult
    static func makeFolder(_ path: String) throws(BlobStoreError) -> Bool {
        if mkdir(path, 0o700) == 0 { return true }
        switch errno {
        case EEXIST:
            return false
        case ENOENT:
            let parent = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
            guard !parent.isEmpty, parent != path else { throw .cannotCreateFolder(path: path, errno: ENOENT) }
            try makeFolder(parent)
            guard mkdir(path, 0o700) == 0 || errno == EEXIST else { throw .cannotCreateFolder(path: path, errno: errno) }
            return true
        case let code:
            throw .cannotCreateFolder(path: path, errno: code)
        }
    }

    static func hasZeroPreamble(_ path: String) throws(BlobStoreError) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotRead(path: path, errno: errno) }
        defer { close(fd) }
        var head = [UInt8](repeating: 0xFF, count: 132)
        let count = head.withUnsafeMutableBytes { read(fd, $0.baseAddress!, 132) }
        guard count == 132, Array(head[128..<132]) == Array("DICM".utf8) else { throw .notPart10(path: path) }
        return head[0..<128].allSatisfy { $0 == 0 }
    }

    /// Copies `source` into a new file (mode 0600, exclusive) with its preamble zeroed and fsyncs
    /// the copy; returns the copy's size and SHA-256, computed on the way.
    static func copyZeroingPreamble(from source: String, to destination: String) throws(BlobStoreError) -> (Int, String) {
        let output = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard output >= 0 else { throw .cannotWrite(path: destination, errno: errno) }
        defer { close(output) }
        return try copyZeroingPreamble(from: source, to: output, named: destination)
    }

    /// Copies `source` with its preamble zeroed into the open file `output` (`name` for errors)
    /// and fsyncs it; returns the copy's size and SHA-256, computed on the way.
    static func copyZeroingPreamble(from source: String, to output: Int32, named destination: String) throws(BlobStoreError) -> (Int, String) {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw .cannotRead(path: source, errno: errno) }
        defer { close(input) }

        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var hasher = SHA256()
        var offset = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .cannotRead(path: source, errno: errno)
            }
            if count == 0 { break }
            if offset < 128 {
                for index in 0..<min(count, 128 - offset) { buffer[index] = 0 }
            }
            if offset == 0, count >= 132, Array(buffer[128..<132]) != Array("DICM".utf8) { throw .notPart10(path: source) }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            var written = 0
            while written < count {
                let n = buffer.withUnsafeBytes { write(output, $0.baseAddress! + written, count - written) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw .cannotWrite(path: destination, errno: errno)
                }
                written += n
            }
            offset += count
        }
        guard offset >= 132 else { throw .notPart10(path: source) }
        guard fsync(output) == 0 else { throw .cannotWrite(path: destination, errno: errno) }
        return (offset, Hex.lowercase(hasher.finalize()))
    }

    /// Size and SHA-256 of a file as it is.
    static func digest(of path: String) throws(BlobStoreError) -> (Int, String) {
        let input = open(path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw .cannotRead(path: path, errno: errno) }
        defer { close(input) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var hasher = SHA256()
        var size = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .cannotRead(path: path, errno: errno)
            }
            if count == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            size += count
        }
        return (size, Hex.lowercase(hasher.finalize()))
    }

    private static func device(of path: String) throws(BlobStoreError) -> dev_t {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .cannotRead(path: path, errno: errno) }
        return info.st_dev
    }

    private static func fsyncFile(_ path: String) throws(BlobStoreError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotRead(path: path, errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .cannotWrite(path: path, errno: errno) }
    }

    static func fsyncFolder(_ path: String) throws(BlobStoreError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotWrite(path: path, errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .cannotWrite(path: path, errno: errno) }
    }
}

extension BlobStore: BlobStorage {
    /// Copying, hashing and fsyncing wait for the disk: on a disk thread.
    func stage(file source: String, key: BlobKey, moving: Bool) async throws(BlobStoreError) -> StagedBlob {
        try await DiskThreads.run { () throws(BlobStoreError) in try self.stageBlocking(file: source, key: key, moving: moving) }
    }

    var stagesLocally: Bool { true }

    func removeOrDefer(_ blobPath: String) -> String? {
        remove(blobPath)
        return nil
    }

    func isPresent(_ blobPath: String) -> Bool { exists(blobPath) }

    /// The blob file itself: no copy, no cost (the hot path of every retrieve).
    func localBlob(_ blobPath: String, sha256: String?) -> LocalBlob { LocalBlob(file: absolutePath(blobPath)) }

    /// Removes every file below the root that no index row names (temporary files of
    /// interrupted writes, and orphans of a crash between blob and index); counts the rows whose
    /// file is gone. Files are looked up in the index 500 paths at a time, rows read 10,000 at a
    /// time.
    func recover(index: ArchiveIndex) throws(ArchiveError) -> RecoveryReport {
        var report = RecoveryReport()
        let files = allFiles().sorted()
        var known = Set<String>()
        for start in stride(from: 0, to: files.count, by: 500) {
            let page = Array(files[start..<min(start + 500, files.count)])
            let marks = Array(repeating: "?", count: page.count).joined(separator: ", ")
            known.formUnion(try index.read("list blobs") { db in
                try db.fetchAll("SELECT blobPath FROM instance WHERE blobPath IN (\(marks))", page).map { try $0.requiredText("blobPath") }
            })
        }
        let unindexed = files.filter { !known.contains($0) }
        let orphans = unindexed.count { !Self.isTemporaryName($0) }
        guard orphans <= unindexedLimit else {
            let indexed = try index.read("count instances") { db in try db.fetchOne("SELECT COUNT(*) AS n FROM instance")?.integer("n") ?? 0 }
            throw .blobStore(.unindexedObjects(count: orphans, indexed: Int(indexed), location: root))
        }
        for file in unindexed {
            if Self.isTemporaryName(file) {
                report.removedTemporaryFiles.append(file)
            } else {
                report.removedOrphans.append(file)
            }
            remove(file)
        }
        var after: Int64 = 0
        while true {
            let page = try index.read("list blobs") { db in
                try db.fetchAll("SELECT id, blobPath FROM instance WHERE id > ? ORDER BY id LIMIT 10000", [after])
                    .map { (id: try $0.requiredInteger("id"), path: try $0.requiredText("blobPath")) }
            }
            guard let last = page.last else { break }
            after = last.id
            for row in page where !exists(row.path) {
                report.missingBlobCount += 1
                guard report.missingBlobs.count < RecoveryReport.listedMissingBlobs else { continue }
                if let stored = try index.read("list blobs", { db in
                    try db.fetchOne(ArchiveIndex.instanceSelect + " WHERE i.id = ?", [row.id]).map { try ArchiveIndex.storedInstance($0) }
                }) {
                    report.missingBlobs.append(stored)
                }
            }
        }
        return report
    }

    func blobsWritten(before cutoff: Date) -> [String] { [] }

    var localFolder: String { root }

    var location: String { root }
}
