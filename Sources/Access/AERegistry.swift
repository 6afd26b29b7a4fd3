/// The application entities allowed to associate without a user credential: title and the
/// hosts it may call from (DESIGN.md rule 3: a legacy modality is a per-AE, per-address exception).
public struct AERegistry: Sendable, Hashable {
    public struct Entry: Sendable, Hashable, Codable {
        public var title: String
        /// The address it calls from and is called back at (C-MOVE destination).
        public var host: String
        public var port: Int
        /// The roles the AE acts with; absent (as in registries written before roles) means
        /// `modality`.
        public var roles: [String]?

        public init(title: String, host: String, port: Int, roles: [String]? = nil) {
            self.title = title
            self.host = host
            self.port = port
            self.roles = roles
        }
    }

    public private(set) var entries: [String: Entry] = [:]

    public init(_ entries: [Entry] = []) {
        for entry in entries { self.entries[entry.title] = entry }
    }

    public mutating func add(_ entry: Entry) { entries[entry.title] = entry }

    @discardableResult
    public mutating func remove(_ title: String) -> Entry? { entries.removeValue(forKey: title) }

    public subscript(title: String) -> Entry? { entries[title] }
}
