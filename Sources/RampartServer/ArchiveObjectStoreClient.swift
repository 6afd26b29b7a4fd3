import AsyncHTTPClient
import ObjectStorage

/// The HTTP client of the archive's object store (`archive.blobs: s3://…`): one for the
/// process, made on first use and never shut down, as `HTTPClient.shared` is (the archive that
/// uses it lives as long as the process). Made by `S3ObjectStore.makeClient()`: it follows no
/// redirects, which `HTTPClient.shared` would.
enum ArchiveObjectStoreClient {
    static let shared = S3ObjectStore.makeClient()
}
