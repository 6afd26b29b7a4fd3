import DICOM
import Foundation

/// What a bulk import (`rampart import`) did with each file: counts of accepted objects and
/// duplicates, and the rejected files grouped by reason with a few example paths each.
///
/// Every file lands in exactly one of accepted, duplicates and rejected. A duplicate is whatever
/// the archive's `DuplicatePolicy` made of it (kept, replaced, or refused), not a rejection:
/// the operator chose the policy. Lines name paths, tags and UIDs, never patient data.
public struct ImportSummary: Sendable, Hashable {
    /// The rejected files that share one reason.
    public struct RejectionGroup: Sendable, Hashable {
        public let reason: String
        public internal(set) var count: Int
        /// Up to `ImportSummary.examplesPerReason` files with the detail of their rejection, the
        /// first by path (so the summary does not depend on the order parallel work finished in).
        public internal(set) var examples: [Example]
    }

    public struct Example: Sendable, Hashable {
        public let path: String
        public let detail: String
    }

    public static let examplesPerReason = 3

    public private(set) var accepted = 0
    public private(set) var duplicatesKept = 0
    public private(set) var duplicatesReplaced = 0
    public private(set) var duplicatesRefused = 0
    /// Bytes of every file looked at, whatever became of it.
    public private(set) var bytes = 0
    private var groups: [String: RejectionGroup] = [:]

    public init() {}

    public var duplicates: Int { duplicatesKept + duplicatesReplaced + duplicatesRefused }
    public var rejected: Int { groups.values.reduce(0) { $0 + $1.count } }
    public var files: Int { accepted + duplicates + rejected }

    /// The groups, the largest first.
    public var rejections: [RejectionGroup] {
        groups.values.sorted { ($0.count, $1.reason) > ($1.count, $0.reason) }
    }

    /// Counts what `Archive.store` made of the file at `path` of `bytes` bytes.
    public mutating func record(_ outcome: StoreOutcome, path: String, bytes: Int) {
        self.bytes += bytes
        switch outcome {
        case .stored: accepted += 1
        case .duplicateKept: duplicatesKept += 1
        case .replaced: duplicatesReplaced += 1
        case .rejected(.duplicate): duplicatesRefused += 1
        case .rejected(let rejection): reject(path, reason: Self.reason(rejection), detail: "\(rejection)")
        }
    }

    /// Counts a file the archive failed on as a whole (`Archive.store` threw).
    public mutating func record(_ error: ArchiveError, path: String, bytes: Int) {
        self.bytes += bytes
        reject(path, reason: "the archive could not store it", detail: "\(error)")
    }

    /// Counts a path named on the command line that is neither a file nor a folder.
    public mutating func recordMissing(_ path: String) {
        reject(path, reason: "no such file or folder", detail: "check the path")
    }

    /// The reason a rejection is grouped under: its kind, without the per-file detail.
    static func reason(_ rejection: StoreRejection) -> String {
        switch rejection {
        case .unreadable: "not a readable DICOM Part 10 file"
        case .missingAttribute(let tag): "no \(name(of: tag)), which the archive needs to file the object"
        case .invalidUID(let tag, _): "\(name(of: tag)) is not a valid UID"
        case .metaMismatch: "the file meta information and the data set name different SOP instances"
        case .duplicate: "already archived, and the duplicate policy is reject"
        case .hierarchyConflict: "conflicts with the archived patient/study/series hierarchy"
        case .outsideGrant: "outside the studies the principal's roles reach"
        }
    }

    private static func name(of tag: Tag) -> String {
        DataDictionary.entry(for: tag).map { "\($0.keyword) \(tag)" } ?? "\(tag)"
    }

    private mutating func reject(_ path: String, reason: String, detail: String) {
        var group = groups[reason] ?? RejectionGroup(reason: reason, count: 0, examples: [])
        group.count += 1
        let example = Example(path: path, detail: String(detail.map { $0.isNewline ? " " : $0 }))
        if group.examples.count < Self.examplesPerReason || path < group.examples[group.examples.count - 1].path {
            group.examples.append(example)
            group.examples.sort { $0.path < $1.path }
            group.examples = Array(group.examples.prefix(Self.examplesPerReason))
        }
        groups[reason] = group
    }

    /// The summary as lines for standard output:
    ///
    ///     accepted: 995
    ///     duplicates: 3 (3 kept)
    ///     rejected: 2
    ///       not a readable DICOM Part 10 file: 2
    ///         notes/readme.txt: not a readable DICOM Part 10 file: …
    ///     1000 files, 524.9 MB in 11.4 s: 87.7 files/s, 46.0 MB/s
    public func lines(elapsed: Duration) -> [String] {
        var lines = ["accepted: \(accepted)"]
        let kinds = [(duplicatesKept, "kept"), (duplicatesReplaced, "replaced"), (duplicatesRefused, "refused by the duplicate policy")]
            .filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
        lines.append("duplicates: \(duplicates)" + (kinds.isEmpty ? "" : " (\(kinds.joined(separator: ", ")))"))
        lines.append("rejected: \(rejected)")
        for group in rejections {
            lines.append("  \(group.reason): \(group.count)")
            lines += group.examples.map { "    \($0.path): \($0.detail)" }
            if group.count > group.examples.count { lines.append("    … and \(group.count - group.examples.count) more") }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var last = "\(files) files, \(Self.megabytes(bytes)) in \(String(format: "%.1f", seconds)) s"
        if seconds > 0 {
            last += ": \(String(format: "%.1f", Double(files) / seconds)) files/s, \(Self.megabytes(Int(Double(bytes) / seconds)))/s"
        }
        lines.append(last)
        return lines
    }

    static func megabytes(_ bytes: Int) -> String {
        String(format: "%.1f MB", Double(bytes) / 1_000_000)
    }
}
