/// SOP Class Extended Negotiation for the Query/Retrieve SOP classes (PS3.4 C.5): the
/// service-class application information of the FIND classes (C.5.1.1: byte 1 relational
/// queries, then combined date-time, fuzzy semantic matching of person names, timezone query
/// adjustment, enhanced multi-frame image conversion, empty value and multiple value matching)
/// and of the MOVE and GET classes (C.5.2.1, C.5.3.1: byte 1 relational retrieval, then enhanced
/// multi-frame image conversion). Each byte is 1 for "supported", 0 for "not supported".
///
/// An SCP that answers supports only what its answer says, and only what was offered: it may
/// turn an offered 1 into 0, never a 0 into 1, and its answer is no longer than the offer.
public enum QueryRetrieveExtendedNegotiation {
    /// Rampart's answer to an offer: relational queries or retrieval when offered (the matcher
    /// and the archive run them, C.4.1.2.2, C.4.2.2.2, C.4.3.2.2); every other option declined,
    /// as the SCP providers do not turn them on yet. The same length as the offer; nil for an
    /// empty offer, which asks for nothing.
    public static func answer(to offered: [UInt8]) -> [UInt8]? {
        guard let relational = offered.first else { return nil }
        var answer = [UInt8](repeating: 0, count: offered.count)
        answer[0] = relational == 1 ? 1 : 0
        return answer
    }

    /// Whether relational queries (FIND) or relational retrieval (MOVE, GET) were agreed for
    /// `sopClassUID` on this association: both sides sent the sub-item and the answer's first
    /// byte is 1.
    public static func isRelational(_ association: NegotiatedAssociation, sopClassUID: String) -> Bool {
        let uid = QueryRetrieveModel.trimmed(sopClassUID)
        guard let agreed = association.extendedNegotiation[uid] ?? association.extendedNegotiation[sopClassUID] else { return false }
        return agreed.first == 1
    }
}

extension QueryMatchingOptions {
    /// The baseline options, with relational queries or retrieval as `association` agreed them
    /// for `sopClassUID` (PS3.4 C.5). Without the negotiation the hierarchical rules hold.
    public init(negotiatedOn association: NegotiatedAssociation, sopClassUID: String) {
        self.init(relational: QueryRetrieveExtendedNegotiation.isRelational(association, sopClassUID: sopClassUID))
    }
}
