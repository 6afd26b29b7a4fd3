import ObjectStorage

/// Where the archive keeps its blobs (`archive.blobs` in rampart.yaml).
public enum BlobLocation: Sendable {
    /// `<archive>/blobs` on the local disk, one file per instance (the default).
    case localFolder
    /// An S3-compatible object store, one object per stored version of an instance; objects
    /// read are kept in `<archive>/cache`, at most `cacheBytes` (least recently used evicted).
    case objectStore(S3ObjectStore, cacheBytes: Int)
}
