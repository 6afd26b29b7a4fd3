import DICOM

/// One row of PS3.15 Table E.1-1: the Basic Profile's action and the action of each option that
/// names the attribute.
public struct ProfileRow: Sendable {
    public let name: String
    public let pattern: TagPattern
    public let basic: ActionCode
    public let options: [DeidentificationOption: ActionCode]
}
