/// An object made durable under a name nobody looks up yet, before the archive decides whether
/// to file it (`BlobStore.stage`, then `commit` or `discard`). Staging is the slow part of a
/// store (reading, zeroing the preamble, fsync) and needs no shared state, so stores stage in
/// parallel and only `commit` and the index transaction run one at a time.
struct StagedBlob: Sendable {
    enum Origin: Sendable {
        /// A zero-preamble copy in the store's staging folder, owned by the store.
        case copy
        /// The caller's own file, given with `moving`, already with a zero preamble and on the
        /// store's filesystem: renamed into place by `commit`, left alone by `discard`.
        case callersFile
    }

    /// Absolute path of the staged bytes.
    let path: String
    let origin: Origin
    let size: Int
    /// SHA-256 of the bytes as filed (preamble zeroed), lowercase hex: what an integrity check
    /// compares the file with later.
    let sha256: String
}
