/// Why the acceptor did not accept one proposed presentation context, and the result it
/// answered (PS3.8 Table 9-18).
public struct PresentationContextRejection: Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        /// The ID is even; presentation context IDs are odd, 1–255 (PS3.8 9.3.2.2).
        case evenID
        /// More than one proposed context has this ID, so an answer could not say which it
        /// meant (PS3.8 7.1.1.14 pairs one result with each proposed context).
        case duplicateID
        /// The acceptor does not support the abstract syntax (SOP class).
        case abstractSyntaxNotSupported
        /// The acceptor supports the abstract syntax but none of these transfer syntaxes.
        case transferSyntaxesNotSupported(proposed: [String])
        /// Role selection leaves the requestor neither SCU nor SCP (PS3.7 D.3.3.4): the
        /// acceptor turned down every role proposed, or the default SCU role is not allowed.
        case noRoleAllowed(proposedSCU: Bool, proposedSCP: Bool)
    }

    public var id: UInt8
    public var abstractSyntax: String
    public var reason: Reason

    public init(id: UInt8, abstractSyntax: String, reason: Reason) {
        self.id = id
        self.abstractSyntax = abstractSyntax
        self.reason = reason
    }

    /// The result/reason sent in the A-ASSOCIATE-AC (PS3.8 Table 9-18). A malformed ID is the
    /// upper layer protocol's concern, so a provider rejection with no reason; a role the
    /// application will not take is its own decision, so a user rejection.
    public var result: PresentationContextAC.Result {
        switch reason {
        case .evenID, .duplicateID: .noReason
        case .abstractSyntaxNotSupported: .abstractSyntaxNotSupported
        case .transferSyntaxesNotSupported: .transferSyntaxesNotSupported
        case .noRoleAllowed: .userRejection
        }
    }

    public var description: String {
        let why = switch reason {
        case .evenID:
            "even ID; presentation context IDs are odd (PS3.8 9.3.2.2)"
        case .duplicateID:
            "ID used by more than one proposed context"
        case .abstractSyntaxNotSupported:
            "abstract syntax not supported"
        case let .transferSyntaxesNotSupported(proposed) where proposed.isEmpty:
            "no transfer syntax proposed"
        case let .transferSyntaxesNotSupported(proposed):
            "none of the proposed transfer syntaxes is supported: \(proposed.joined(separator: ", "))"
        case let .noRoleAllowed(scu, scp):
            switch (scu, scp) {
            case (false, false): "role selection proposes neither SCU nor SCP"
            case (true, false): "the requestor may not act as SCU for this SOP class"
            case (false, true): "the requestor may not act as SCP for this SOP class"
            case (true, true): "the requestor may act neither as SCU nor as SCP for this SOP class"
            }
        }
        return "context \(id) \(abstractSyntax) (\(why))"
    }
}
