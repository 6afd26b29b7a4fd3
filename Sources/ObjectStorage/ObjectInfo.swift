import Foundation

/// What the store says about one object.
public struct ObjectInfo: Sendable, Equatable {
    /// The caller's key (without the location's prefix).
    public let key: String
    public let size: Int
    /// The store's entity tag, quotes included as S3 sends it (an MD5 only for single PUTs).
    public let etag: String
    /// When the object was written, as a listing gives it (nil elsewhere, or unparsable).
    public let lastModified: Date?

    public init(key: String, size: Int, etag: String, lastModified: Date? = nil) {
        self.key = key
        self.size = size
        self.etag = etag
        self.lastModified = lastModified
    }
}
