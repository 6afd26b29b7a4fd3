import DICOM

/// The Basic Application Level Confidentiality Profile with a set of options: the action for each
/// attribute (PS3.15 Table E.1-1).
public struct ConfidentialityProfile: Sendable {
    public let options: DeidentificationOptions
    private let exact: [Tag: AttributeAction]
    private let patterns: [(TagPattern, AttributeAction)]

    public init(options: DeidentificationOptions) throws(DeidentificationError) {
        if options.contains(.retainLongitudinalFullDates), options.contains(.retainLongitudinalModifiedDates) {
            throw .conflictingDateOptions
        }
        self.options = options
        var exact: [Tag: AttributeAction] = [:]
        var patterns: [(TagPattern, AttributeAction)] = []
        for row in Self.table {
            let action = Self.action(of: row, options: options)
            if row.pattern.isSingleTag {
                exact[Tag(row.pattern.value)] = action
            } else {
                patterns.append((row.pattern, action))
            }
        }
        self.exact = exact
        self.patterns = patterns
    }

    /// The action for an attribute, nil when the table does not name it (such attributes are
    /// kept: PS3.15 E.1.1 lists every standard attribute that may identify).
    public func action(for tag: Tag) -> AttributeAction? {
        if let action = exact[tag] { return action }
        return patterns.first { $0.0.matches(tag) }?.1
    }

    /// A row's action under the chosen options. When several chosen options name the row (Allergies
    /// under Retain Patient Characteristics and Clean Descriptors, say), the one that keeps the most
    /// wins: K over C over any other, as each option only ever relaxes the Basic Profile.
    static func action(of row: ProfileRow, options: DeidentificationOptions) -> AttributeAction {
        let chosen = row.options.filter { options.contains($0.key) }.map(\.value.action)
        if chosen.contains(.keep) { return .keep }
        if chosen.contains(.clean) { return .clean }
        return chosen.first ?? row.basic.action
    }
}
