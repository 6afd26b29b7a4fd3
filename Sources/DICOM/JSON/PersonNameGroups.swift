/// The component groups of a person name (PS3.5 6.2.1.1), as DICOM JSON and XML name them.
enum PersonNameGroups {
    static let names = ["Alphabetic", "Ideographic", "Phonetic"]
    static let componentNames = ["FamilyName", "GivenName", "MiddleName", "NamePrefix", "NameSuffix"]
}
