/// Why the requestor side cannot build an A-ASSOCIATE-RQ from a proposal, or cannot use the
/// A-ASSOCIATE-AC it received.
public enum NegotiationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A presentation context the acceptor did not accept, as it answered.
    public struct RejectedContext: Sendable, Hashable {
        public var id: UInt8
        public var abstractSyntax: String
        /// The acceptor's result, or `.noReason` when it left the context unanswered.
        public var result: PresentationContextAC.Result

        public init(id: UInt8, abstractSyntax: String, result: PresentationContextAC.Result) {
            self.id = id
            self.abstractSyntax = abstractSyntax
            self.result = result
        }
    }

    // Building the request.

    /// A request must propose at least one presentation context (PS3.8 9.3.2).
    case noPresentationContexts
    /// Presentation context IDs are odd numbers 1–255, so at most 128 contexts (PS3.8 9.3.2.2).
    case tooManyPresentationContexts(Int)
    /// Each presentation context proposes one or more transfer syntaxes (PS3.8 9.3.2.2).
    case noTransferSyntaxes(abstractSyntax: String)
    /// A role selection item proposes one of three role values; neither role is not one (PS3.7 D.3.3.4).
    case roleSelectionProposesNoRole(sopClassUID: String)
    /// The implementation version name is 1–16 characters (PS3.7 D.3.3.2.3).
    case implementationVersionNameTooLong(String)

    // Reading the answer.

    /// The A-ASSOCIATE-AC answers a presentation context ID that was not proposed.
    case unproposedContextAnswered(id: UInt8)
    /// The A-ASSOCIATE-AC answers the same presentation context twice.
    case contextAnsweredTwice(id: UInt8)
    /// The A-ASSOCIATE-AC accepts a context without naming its transfer syntax (PS3.8 9.3.3.2).
    case acceptedWithoutTransferSyntax(id: UInt8, abstractSyntax: String)
    /// The A-ASSOCIATE-AC accepts a context with a transfer syntax not proposed for it
    /// (PS3.8 9.3.3.2: it is one of those proposed).
    case unproposedTransferSyntaxAccepted(id: UInt8, abstractSyntax: String, transferSyntax: String, proposed: [String])
    /// The acceptor accepted the association but none of its presentation contexts, so no
    /// DIMSE message can be sent on it.
    case noContextAccepted([RejectedContext])

    public var description: String {
        switch self {
        case .noPresentationContexts:
            return "the association proposal has no presentation context; at least one is needed (PS3.8 9.3.2)"
        case let .tooManyPresentationContexts(count):
            return "the association proposal has \(count) presentation contexts; at most 128 fit in the odd IDs 1–255 (PS3.8 9.3.2.2)"
        case let .noTransferSyntaxes(abstractSyntax):
            return "the proposed presentation context for \(abstractSyntax) has no transfer syntax (PS3.8 9.3.2.2)"
        case let .roleSelectionProposesNoRole(uid):
            return "the role selection for \(uid) proposes neither the SCU nor the SCP role (PS3.7 D.3.3.4)"
        case let .implementationVersionNameTooLong(name):
            return "implementation version name '\(name)' has \(name.utf8.count) characters; at most 16 are allowed (PS3.7 D.3.3.2)"
        case let .unproposedContextAnswered(id):
            return "the A-ASSOCIATE-AC answers presentation context \(id), which was not proposed"
        case let .contextAnsweredTwice(id):
            return "the A-ASSOCIATE-AC answers presentation context \(id) more than once"
        case let .acceptedWithoutTransferSyntax(id, abstractSyntax):
            return "the A-ASSOCIATE-AC accepts presentation context \(id) (\(abstractSyntax)) without naming a transfer syntax"
        case let .unproposedTransferSyntaxAccepted(id, abstractSyntax, transferSyntax, proposed):
            return "the A-ASSOCIATE-AC accepts presentation context \(id) (\(abstractSyntax)) with transfer syntax \(transferSyntax), which was not proposed for it (proposed: \(proposed.joined(separator: ", ")))"
        case let .noContextAccepted(rejected):
            let listed = rejected.prefix(NegotiationFailure.listedRejections)
                .map { "context \($0.id) \($0.abstractSyntax) (\($0.result.phrase))" }
                .joined(separator: "; ")
            let more = rejected.count > NegotiationFailure.listedRejections ? "; and \(rejected.count - NegotiationFailure.listedRejections) more" : ""
            return "the peer accepted the association but none of its \(rejected.count) presentation contexts: \(listed)\(more)"
        }
    }
}
