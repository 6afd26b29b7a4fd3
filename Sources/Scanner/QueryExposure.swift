/// What one universal C-FIND gave away: how many answers, and which kinds of fields held a
/// value. The values themselves are looked at only to see whether they are empty.
struct QueryExposure: Sendable, Hashable {
    var answers = 0
    /// Counting stopped at `ScanOptions.maximumQueryAnswers`.
    var truncated = false
    /// Keywords of the return keys that came back non-empty in some answer.
    var exposedFields: Set<String> = []
    /// The final status, or nil when the association ended first.
    var finalStatus: UInt16?

    /// The peer answered the query: with matches, or with a final success.
    var answered: Bool { answers > 0 || finalStatus == 0x0000 }

    var summary: String {
        let fields = exposedFields.isEmpty ? "no non-empty fields" : "non-empty fields: " + exposedFields.sorted().joined(separator: ", ")
        return "\(truncated ? "at least " : "")\(answers) record\(answers == 1 ? "" : "s") answered; \(fields) (values not kept)"
    }
}
