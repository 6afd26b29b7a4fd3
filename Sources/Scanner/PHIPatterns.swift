/// Patterns of patient data in text a server shows to anyone: DICOM person names (Family^Given),
/// dates of birth (a date near "birth", "DOB" or the PatientBirthDate tag 00100030) and
/// SSN-like numbers. The scanner counts them and masks them; a matched value is never kept.
public struct PHIPatterns: Sendable, Hashable {
    public var personNames = 0
    public var datesOfBirth = 0
    public var socialSecurityNumbers = 0

    public init() {}

    /// Counts the patterns in `text`.
    public init(counting text: String) {
        personNames = text.matches(of: Self.personName).count
        datesOfBirth = text.matches(of: Self.dateOfBirth).count
        socialSecurityNumbers = text.matches(of: Self.socialSecurityNumber).count
    }

    public var total: Int { personNames + datesOfBirth + socialSecurityNumbers }

    public static func + (lhs: PHIPatterns, rhs: PHIPatterns) -> PHIPatterns {
        var sum = lhs
        sum.personNames += rhs.personNames
        sum.datesOfBirth += rhs.datesOfBirth
        sum.socialSecurityNumbers += rhs.socialSecurityNumbers
        return sum
    }

    /// "2 person names, 1 date of birth, 0 SSN-like numbers".
    public var summary: String {
        "\(personNames) person name\(personNames == 1 ? "" : "s"), \(datesOfBirth) date\(datesOfBirth == 1 ? "" : "s") of birth, "
            + "\(socialSecurityNumbers) SSN-like number\(socialSecurityNumbers == 1 ? "" : "s")"
    }

    /// `text` with every match replaced by a mask of its shape: `***^***`, `***-**-****`, and
    /// the digits of a date of birth by `*`. Applied to everything a peer said that goes into a
    /// report (banners, titles), in case a server puts patient data there.
    public static func masked(_ text: String) -> String {
        text.replacing(personName) { _ in "***^***" }
            .replacing(socialSecurityNumber) { _ in "***-**-****" }
            .replacing(dateOfBirth) { match in
                String(match.output.0.dropLast(match.output.1.count)) + String(match.output.1.map { $0.isNumber ? "*" : $0 })
            }
    }

    /// Family^Given[^Middle...]: letters (any script), apostrophes, hyphens and inner spaces.
    // Computed: a Regex is not Sendable, and building one from its literal is cheap.
    static var personName: Regex<Substring> { #/\p{L}[\p{L}'\-]*(?: [\p{L}'\-]+)*\^\p{L}[\p{L}'\-]*(?:\^[\p{L}'\-]*)*/# }
    static var socialSecurityNumber: Regex<Substring> { #/\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b/# }
    /// The date itself is the capture, so masking keeps the label.
    static var dateOfBirth: Regex<(Substring, Substring)> { #/(?i:birth|dob|00100030)[^0-9]{0,40}((?:19|20)[0-9]{2}-?[0-9]{2}-?[0-9]{2}|[0-9]{2}/[0-9]{2}/(?:19|20)[0-9]{2})(?![0-9])/# }
}
