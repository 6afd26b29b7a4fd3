/// Every object under a prefix, fetched a page (1,000 keys) at a time as the caller iterates,
/// so a bucket of a billion objects is listed in bounded memory.
public struct ObjectList: AsyncSequence, Sendable {
    public typealias Element = ObjectInfo

    let store: S3ObjectStore
    let prefix: String

    public func makeAsyncIterator() -> Iterator {
        Iterator(store: store, prefix: prefix)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let store: S3ObjectStore
        let prefix: String
        var page: [ObjectInfo] = []
        var index = 0
        var token: String?
        var finished = false

        init(store: S3ObjectStore, prefix: String) {
            self.store = store
            self.prefix = prefix
        }

        /// Throws `ObjectStoreError`.
        public mutating func next() async throws -> ObjectInfo? {
            while index == page.count {
                guard !finished else { return nil }
                let listing = try await store.listPage(prefix: prefix, continuationToken: token)
                page = listing.objects
                index = 0
                token = listing.continuationToken
                finished = token == nil
            }
            defer { index += 1 }
            return page[index]
        }
    }
}
