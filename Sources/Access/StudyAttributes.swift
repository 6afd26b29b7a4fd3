/// The attributes of a study that study conditions read (`StudyCondition`), each the one value
/// the study's objects agree on, nil when it has none or they differ: of an object to store, or of
/// an archived study as the index keeps it.
public struct StudyAttributes: Sendable, Hashable {
    /// Institution Name (0008,0080).
    public var institutionName: String?
    /// Referring Physician's Name (0008,0090).
    public var referringPhysicianName: String?

    public init(institutionName: String?, referringPhysicianName: String?) {
        self.institutionName = institutionName
        self.referringPhysicianName = referringPhysicianName
    }
}
