import Access

/// Copies every instance of one archive into another, for `rampart migrate` (an embedded
/// archive onto PostgreSQL and an object store): each object is read from the source (its
/// bytes checked against the source index's SHA-256 as they are staged) and stored in the
/// target through the target's own store path, so the target's rows and blobs are exactly
/// what filing them there would have made.
///
/// Resumable: an instance the target already holds with the same SHA-256 is skipped, so a run
/// interrupted at any point is finished by running it again. Verified: afterwards every source
/// instance is looked up in the target and read back from its blob store, whose read checks
/// the bytes against the recorded SHA-256 (an object store's download; a sealed blob's
/// authenticated chunks).
public struct ArchiveMigration: Sendable {
    public let source: Archive
    public let target: Archive

    /// What a run did; `failures` name the SOP Instance UID and why.
    public struct Report: Sendable {
        public var copied = 0
        public var alreadyThere = 0
        public var verified = 0
        public var failures: [(sopInstanceUID: String, reason: String)] = []
    }

    public init(from source: Archive, to target: Archive) {
        self.source = source
        self.target = target
    }

    /// Copies what the target lacks, then (with `verify`) reads every object back from the
    /// target. `progress` is told the count done and the total after each instance.
    /// `read` is a retrieve grant on both archives; `store` a store grant on the target.
    public func run(read: Grant, store: Grant, verify: Bool = true,
                    progress: (Int, Int) -> Void = { _, _ in }) async throws(ArchiveError) -> Report {
        try Archive.check(read, .retrieve)
        try Archive.check(store, .store)
        let instances = try source.index.read("list the instances to migrate") { db in
            try db.fetchAll(ArchiveIndex.instanceSelect + " ORDER BY i.id").map { try ArchiveIndex.storedInstance($0) }
        }
        var report = Report()
        for (number, instance) in instances.enumerated() {
            do {
                try await copy(instance, read: read, store: store, into: &report)
            } catch {
                report.failures.append((instance.sopInstanceUID, "\(error)"))
            }
            progress(number + 1, instances.count)
        }
        guard verify else { return report }
        let failed = Set(report.failures.map(\.sopInstanceUID))
        for instance in instances where !failed.contains(instance.sopInstanceUID) {
            do {
                guard let copy = try targetInstance(instance.sopInstanceUID), Self.isCopy(copy, of: instance) else {
                    report.failures.append((instance.sopInstanceUID, "the target has no copy with the source's SHA-256"))
                    continue
                }
                try await target.localBlob(of: copy, grant: read).release()
                report.verified += 1
            } catch {
                report.failures.append((instance.sopInstanceUID, "reading the copy back failed: \(error)"))
            }
        }
        return report
    }

    /// Why one instance was not copied.
    private struct Refusal: Error, CustomStringConvertible {
        let description: String
    }

    /// Whether `copy` is `original`'s: the same SHA-256 (a row from before digests were kept
    /// has none, and any copy of its UID is taken as its).
    private static func isCopy(_ copy: StoredInstance, of original: StoredInstance) -> Bool {
        original.sha256 == nil || copy.sha256 == original.sha256
    }

    private func copy(_ instance: StoredInstance, read: Grant, store: Grant, into report: inout Report) async throws {
        if let existing = try targetInstance(instance.sopInstanceUID) {
            guard Self.isCopy(existing, of: instance) else {
                throw Refusal(description: "the target holds another object of this SOP Instance UID (SHA-256 \(existing.sha256 ?? "unknown"))")
            }
            report.alreadyThere += 1
            return
        }
        let blob = try await source.localBlob(of: instance, grant: read)
        defer { blob.release() }
        switch try await target.store(file: blob.path, moving: false, grant: store) {
        case .stored(let copy) where Self.isCopy(copy, of: instance):
            report.copied += 1
        case .stored(let copy), .replaced(let copy), .duplicateKept(let copy):
            throw Refusal(description: "the copy's SHA-256 \(copy.sha256 ?? "unknown") is not the source's \(instance.sha256 ?? "unknown")")
        case .rejected(let rejection):
            throw Refusal(description: "the target refused it: \(rejection)")
        }
    }

    private func targetInstance(_ sopInstanceUID: String) throws(ArchiveError) -> StoredInstance? {
        try target.index.read("look up a copy") { db in try ArchiveIndex.instance(sopInstanceUID: sopInstanceUID, db: db) }
    }
}
