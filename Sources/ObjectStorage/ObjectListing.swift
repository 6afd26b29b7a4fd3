/// One page of a listing (ListObjectsV2).
public struct ObjectListing: Sendable, Equatable {
    public let objects: [ObjectInfo]
    /// Where the next page starts; nil on the last page.
    public let continuationToken: String?
}
