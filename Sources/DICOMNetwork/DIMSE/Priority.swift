/// Priority (0000,0700) of a C-STORE, C-FIND, C-GET or C-MOVE request (PS3.7 Annex E,
/// Table E.1-1). Note the order of the values: medium is 0.
public enum Priority: UInt16, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case medium = 0x0000
    case high = 0x0001
    case low = 0x0002

    public var description: String {
        switch self {
        case .medium: "medium"
        case .high: "high"
        case .low: "low"
        }
    }
}
