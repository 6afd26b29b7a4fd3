/// An object made durable under a name nobody looks up yet, before the archive decides whether
/// to file it (`BlobStorage.stage`, then `commit` or `discard`). Staging is the slow part of a
/// store (reading, zeroing the preamble, fsync) and needs no shared state, so stores stage in
/// parallel and only `commit` and the index transaction run one at a time.
struct StagedBlob: Sendable {
    enum Origin: Sendable {
        /// A zero-preamble copy in the store's staging folder, owned by the store.
        case copy
        /// The caller's own file, given with `moving`, already with a zero preamble and on the
        /// store's filesystem: renamed into place by `commit`, left alone by `discard`.
        case callersFile
        /// Uploaded whole to the object store under `path` (its key, one per stored version):
        /// `commit` has nothing left to do, `discard` deletes the object.
        case uploaded
    }

    /// Absolute path of the staged bytes (an object key when `uploaded`).
    let path: String
    let origin: Origin
    let size: Int
    /// SHA-256 of the bytes as filed (preamble zeroed; the plaintext when sealed), lowercase
    /// hex: what an integrity check compares the object with later.
    let sha256: String
}
