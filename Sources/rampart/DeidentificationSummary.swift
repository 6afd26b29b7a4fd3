/// What `rampart deidentify` did: the files written, and the refused ones grouped by reason with
/// the first few paths (sorted, so the summary does not depend on which job finished first).
/// Reasons name tags and options, never patient data.
struct DeidentificationSummary {
    static let examplesPerReason = 3

    private(set) var written = 0
    private(set) var refused = 0
    private var reasons: [String: (count: Int, examples: [String])] = [:]

    mutating func record(_ file: DeidentifiedFile) {
        guard let reason = file.failure else {
            written += 1
            return
        }
        refused += 1
        var group = reasons[reason] ?? (0, [])
        group.count += 1
        group.examples = Array((group.examples + [file.path]).sorted().prefix(Self.examplesPerReason))
        reasons[reason] = group
    }

    func lines(elapsed: Duration) -> [String] {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Double(written + refused) / seconds : 0
        var lines = [
            "de-identified \(written) files, refused \(refused), in \(String(format: "%.2f", seconds)) s "
                + "(\(String(format: "%.1f", rate)) files/s)"
        ]
        for (reason, group) in reasons.sorted(by: { $0.value.count > $1.value.count || ($0.value.count == $1.value.count && $0.key < $1.key) }) {
            lines.append("refused \(group.count): \(reason)")
            lines += group.examples.map { "  e.g. \($0)" }
        }
        return lines
    }
}
