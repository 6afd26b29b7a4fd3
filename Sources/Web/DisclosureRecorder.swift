import Access

/// Records what a granted request is about to disclose, before it leaves (DESIGN.md rule 2):
/// implemented by the server's audit trail. A record that cannot be written refuses the response.
public protocol DisclosureRecorder: Sendable {
    func disclosed(_ disclosure: Disclosure, grant: Grant) throws
    /// A store the gate allowed (`grant`) that was then refused for what the object holds:
    /// nothing was filed, and the record says why.
    func refusedStore(_ reason: String, instance sopInstanceUID: String, grant: Grant) throws
}

/// The patients and studies a response shows, or a deletion removed.
public struct Disclosure: Sendable {
    public enum Kind: Sendable {
        /// Query answers: patient and study records.
        case answers
        /// Whole objects, or their metadata.
        case instances
        /// Objects removed from the archive: not shown, yet the patient's record changed.
        case deleted
    }

    public let kind: Kind
    public let items: [(patientID: String, studyUID: String)]

    public init(_ kind: Kind, _ items: [(patientID: String, studyUID: String)]) {
        self.kind = kind
        self.items = items
    }
}
