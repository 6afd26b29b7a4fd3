import DICOM

/// Person Name (PN) values brought to one spelling before matching (PS3.5 6.2.1): spaces around
/// a component are insignificant (CP-726), and trailing empty components and component groups
/// may be left out, so "DOE^JOHN^^^" and " DOE ^JOHN" are both "DOE^JOHN" (dcm4che likewise
/// passes key and value through its `PersonName` before comparing).
enum PersonNameText {
    static func normalized(_ value: String) -> String {
        var groups = value.split(separator: "=", omittingEmptySubsequences: false).map { group in
            var components = group.split(separator: "^", omittingEmptySubsequences: false).map { component in
                String(TextValue.trimming(component, leading: { $0 == 0x20 }, trailing: { $0 == 0x20 }))
            }
            while components.last?.isEmpty == true { components.removeLast() }
            return components.joined(separator: "^")
        }
        while groups.last?.isEmpty == true { groups.removeLast() }
        return groups.joined(separator: "=")
    }

    /// The text a key is compared with. A key of one component group (no "=") is compared with
    /// each non-empty group of the entity's name — alphabetic, ideographic, phonetic — so
    /// "YAMADA^TAROU" finds "Yamada^Tarou=山田^太郎"; a key with several groups, with the whole
    /// name. PS3.4 C.2.2.2.4 leaves this to the implementation.
    static func candidates(for key: String, in value: String) -> [String] {
        let name = normalized(value)
        guard !key.contains("="), name.contains("=") else { return [name] }
        return name.split(separator: "=").map(String.init)
    }
}
