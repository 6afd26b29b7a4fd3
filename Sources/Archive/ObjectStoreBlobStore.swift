#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ObjectStorage

/// Blobs in an S3-compatible object store (`archive.blobs: s3://…`), sealed or not, with a
/// local cache of what was read (`BlobCache`).
///
/// Each stored version of an instance is its own object, `<study>/<series>/<sop>.dcm.<random
/// hex>`: two concurrent stores of one UID, or a replace, never overwrite each other's bytes,
/// and the index row names the version it filed. The upload is the stage (outside the
/// archive's actor, so uploads run in parallel): a PUT that returned is durable, and an object
/// becomes visible only whole, so `commit` has nothing left to do. A replaced or deleted
/// version is deleted after the index commit.
struct ObjectStoreBlobStore: BlobStorage {
    let store: S3ObjectStore
    let sealing: BlobSealing?
    let cache: BlobCache

    func stage(file source: String, key: BlobKey, moving: Bool) async throws(BlobStoreError) -> StagedBlob {
        let objectKey = key.relativePath + "." + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let temporary = cache.temporaryPath(for: objectKey)
        var upload = temporary
        let plain: (size: Int, sha256: String)
        do throws(BlobStoreError) {
            if let sealing {
                plain = try await sealing.sealPart10(source, to: temporary)
            } else if try BlobStore.hasZeroPreamble(source) {
                // As SpoolWriter writes it: sent as it is, no copy (the caller's file is only read).
                plain = try BlobStore.digest(of: source)
                upload = source
            } else {
                plain = try BlobStore.copyZeroingPreamble(from: source, to: temporary)
            }
        } catch {
            unlink(temporary)
            throw error
        }
        do {
            try await store.put(file: upload, key: objectKey)
        } catch {
            unlink(temporary)
            throw .objectStore(operation: "store an object", error)
        }
        // What was uploaded is what the store holds: it goes to the cache, ready to be read.
        if upload == temporary, let fd = cache.admit(temporary, key: objectKey) { close(fd) }
        return StagedBlob(path: objectKey, origin: .uploaded, size: plain.size, sha256: plain.sha256)
    }

    /// Staging uploads: nothing leaves for the object store before the gate has decided.
    var stagesLocally: Bool { false }

    func commit(_ staged: StagedBlob, key: BlobKey) throws(BlobStoreError) -> String {
        staged.path
    }

    func discard(_ staged: StagedBlob) async {
        await remove(staged.path)
    }

    func removeOrDefer(_ blobPath: String) -> String? { blobPath }

    /// A delete that fails leaves an object no row names: the orphan sweep removes it later.
    func remove(_ blobPath: String) async {
        cache.remove(blobPath)
        try? await store.delete(blobPath)
    }

    /// True: a row names an object only after its PUT returned, and asking the store for each
    /// reference would make storage commitment wait on the network.
    func isPresent(_ blobPath: String) -> Bool { true }

    /// A download is checked before it enters the cache: a sealed object by its authenticated
    /// chunks when it is opened, a plain one against the index's SHA-256 here.
    func localBlob(_ blobPath: String, sha256: String?) async throws(BlobStoreError) -> LocalBlob {
        var cached = cache.openCopy(of: blobPath)
        if cached == nil {
            let temporary = cache.temporaryPath(for: blobPath)
            do {
                try await store.get(blobPath, toFile: temporary)
            } catch {
                throw .objectStore(operation: "read the blob \(blobPath)", error)
            }
            if sealing == nil, let expected = sha256 {
                let (_, found) = try BlobStore.digest(of: temporary)
                guard found == expected else {
                    unlink(temporary)
                    throw .damaged(blobPath: blobPath, expected: expected, found: found)
                }
            }
            cached = cache.admit(temporary, key: blobPath)
        }
        guard let fd = cached else { throw .cannotRead(path: cache.path(of: blobPath), errno: errno) }
        guard let sealing else { return LocalBlob(descriptor: fd) }
        defer { close(fd) }
        return try await sealing.openInMemory("/proc/self/fd/\(fd)", blobPath: blobPath)
    }

    /// Removes the cache's temporary files. Objects without a row are not looked for here: the
    /// listing is a network walk of the whole bucket (`sweepOrphans`).
    func recover(index: ArchiveIndex) -> RecoveryReport {
        var report = RecoveryReport()
        report.removedTemporaryFiles = cache.removeTemporaryFiles()
        return report
    }

    /// Lists the whole bucket prefix, a page of 1,000 keys at a time.
    func blobsWritten(before cutoff: Date) async throws(BlobStoreError) -> [String] {
        var keys: [String] = []
        do {
            for try await object in store.list() where (object.lastModified ?? .distantFuture) < cutoff {
                keys.append(object.key)
            }
        } catch let error as ObjectStoreError {
            throw .objectStore(operation: "list its objects", error)
        } catch {
            throw .objectStore(operation: "list its objects", .invalidResponse("\(error)"))
        }
        return keys
    }

    /// The cache folder may be written, and the bucket answers a listing of one key with these
    /// credentials (the sweep lists it; a store lists what it may write).
    func checkWritable() async throws(BlobStoreError) {
        guard access(cache.folder, W_OK) == 0 else { throw .cannotWrite(path: cache.folder, errno: errno) }
        do {
            _ = try await store.listPage(maxKeys: 1)
        } catch {
            throw .objectStore(operation: "list one object", error)
        }
    }

    var localFolder: String { cache.folder }

    var location: String { "\(store.location)" }
}
