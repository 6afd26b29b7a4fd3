/// Matching behaviours beyond the baseline of PS3.4 C.2.2.2. The ones marked "Extended
/// Negotiation" may only be switched on when the SCU asked for them in the SOP Class Extended
/// Negotiation sub-item of the association (PS3.4 C.5) and the SCP accepted.
public struct QueryMatchingOptions: Sendable, Hashable {
    /// Person names (PN) match regardless of letter case, in Single Value and Wild Card
    /// Matching. PS3.4 C.2.2.2.1 and C.2.2.2.4 leave PN matching to the implementation; dcm4che
    /// offers it (`ignorePNCase`) and Orthanc does it by default (`CaseSensitivePN: false`), and
    /// so does Rampart. Every other VR is matched case-sensitively, as the standard says.
    public var caseInsensitivePersonNames: Bool

    /// An entity whose Required Key is absent or zero-length matches any value of that key
    /// (PS3.4 C.2.2.1.2: "the value is considered unknown and all matching against the zero
    /// length value shall be considered successful"). Optional Keys never match an unknown value,
    /// and Unique Keys are never unknown (C.2.2.1.1).
    public var unknownRequiredKeysMatch: Bool

    /// Relational queries and relational retrieve (Extended Negotiation, PS3.4 C.4.1.2.2,
    /// C.4.2.2.2): keys of levels above the Query/Retrieve Level need not be Unique Keys, and
    /// are matched like the others.
    public var relational: Bool

    /// Combined date-time matching (Extended Negotiation, PS3.4 C.2.2.2.5.4): a DA and a TM
    /// key of one pair (Study Date and Study Time, …) that give the same form of range are
    /// matched together as one DT range, so "20060705-20060707" and "1000-1800" mean
    /// 5 July 10:00 to 7 July 18:00 rather than 10:00 to 18:00 on each of three days.
    public var combinedDateTime: Bool

    /// Empty Value Matching (Extended Negotiation, PS3.4 C.2.2.2.7): a key of exactly two
    /// QUOTATION MARKs matches only entities whose attribute is absent or zero-length.
    /// Without it the two characters are an ordinary value.
    public var emptyValue: Bool

    /// Multiple Value Matching (Extended Negotiation, PS3.4 C.2.2.2.8): for AE, AS, AT, CS, LO,
    /// PN, SH and UC keys with several values, every key value must match one of the entity's
    /// values. Without it several values mean "any of them", as dcm4che reads them.
    public var multipleValue: Bool

    public init(
        caseInsensitivePersonNames: Bool = true,
        unknownRequiredKeysMatch: Bool = true,
        relational: Bool = false,
        combinedDateTime: Bool = false,
        emptyValue: Bool = false,
        multipleValue: Bool = false
    ) {
        self.caseInsensitivePersonNames = caseInsensitivePersonNames
        self.unknownRequiredKeysMatch = unknownRequiredKeysMatch
        self.relational = relational
        self.combinedDateTime = combinedDateTime
        self.emptyValue = emptyValue
        self.multipleValue = multipleValue
    }

    /// Baseline behaviour of PS3.4 C.4.1.2.1 and C.4.1.3.1 with the defaults above.
    public static let baseline = QueryMatchingOptions()
}
