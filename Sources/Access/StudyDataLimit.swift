/// The studies one allowing role reaches by their data: its study conditions, with the
/// principal's person name put in for `referredByPrincipal`. A study is reached when every part
/// that is set holds of it; a study whose objects disagree on an attribute, or have none, is
/// reached only by limits that do not read that attribute.
public struct StudyDataLimit: Sendable, Hashable, CustomStringConvertible {
    /// Institution Name must be one of these; nil: any.
    public let institutions: Set<String>?
    /// Referring Physician's Name must be this person name (`PersonNameKey`); nil: any.
    public let referringPhysician: PersonNameKey?

    public init(institutions: Set<String>? = nil, referringPhysician: PersonNameKey? = nil) {
        self.institutions = institutions
        self.referringPhysician = referringPhysician
    }

    /// Why a study with `attributes` is outside this limit, or nil when it is inside. Names the
    /// attribute, never its value: institution and physician names stay out of logs.
    public func exclusion(of attributes: StudyAttributes) -> String? {
        if let institutions {
            guard let name = attributes.institutionName else { return "it has no single Institution Name (0008,0080)" }
            guard institutions.contains(name) else { return "its Institution Name (0008,0080) is not one of \(institutions.count) listed" }
        }
        if let referringPhysician {
            guard let name = attributes.referringPhysicianName.map(PersonNameKey.init) else {
                return "it has no single Referring Physician's Name (0008,0090)"
            }
            guard name == referringPhysician else { return "its Referring Physician's Name (0008,0090) is not the principal's person name" }
        }
        return nil
    }

    public var description: String {
        var parts: [String] = []
        if let institutions { parts.append("of institution \(institutions.sorted().map { "\"\($0)\"" }.joined(separator: " or "))") }
        if let referringPhysician { parts.append("referred by \(referringPhysician)") }
        return parts.joined(separator: " and ")
    }
}
