/// The agreed terms of an established association, as seen by either side: the acceptor gets
/// them from `AssociationNegotiator.answer`, the requestor from `init(request:accept:)`, and
/// for the same request and answer both get the same value.
public struct NegotiatedAssociation: Sendable, Hashable {
    public var callingAETitle: AETitle
    public var calledAETitle: AETitle
    /// The accepted presentation contexts by ID; only these may carry P-DATA (PS3.8 9.3.5).
    public var acceptedContexts: [UInt8: AcceptedPresentationContext]
    /// The proposed contexts not accepted, with the acceptor's result. A context the acceptor
    /// left unanswered is listed as `.noReason`, as pynetdicom does.
    public var rejectedContexts: [UInt8: PresentationContextAC.Result]
    /// The largest P-DATA-TF variable field the requestor receives, so the most the acceptor
    /// may send in one (PS3.8 D.1); 0 = unlimited, also when the request had no such item.
    public var requestorMaximumLength: UInt32
    /// The largest P-DATA-TF variable field the acceptor receives, so the most the requestor
    /// may send in one (PS3.8 D.1); 0 = unlimited, also when the answer had no such item.
    public var acceptorMaximumLength: UInt32
    public var requestorImplementationClassUID: String?
    public var requestorImplementationVersionName: String?
    public var acceptorImplementationClassUID: String?
    public var acceptorImplementationVersionName: String?
    /// How many operations (or sub-operations) the requestor may leave outstanding, so how
    /// many the acceptor must be ready to perform at once (PS3.7 D.3.3.3); 0 = unlimited,
    /// 1 when not negotiated.
    public var maximumOperationsInvoked: UInt16
    /// How many operations (or sub-operations) the requestor performs at once, so how many the
    /// acceptor may leave outstanding (PS3.7 D.3.3.3); 0 = unlimited, 1 when not negotiated.
    public var maximumOperationsPerformed: UInt16
    /// The user identity the requestor sent (PS3.7 D.3.3.7.1). Credentials: never log it.
    public var userIdentity: UserIdentityRQ?
    /// The server response sent back (PS3.7 D.3.3.7.2), only when the request asked for one.
    public var userIdentityResponse: UserIdentityAC?
    /// SOP class UID → service-class-application-information as accepted (PS3.7 D.3.3.5): the
    /// acceptor's answer, for SOP classes whose extended negotiation the requestor offered.
    public var extendedNegotiation: [String: [UInt8]]

    public init(
        callingAETitle: AETitle,
        calledAETitle: AETitle,
        acceptedContexts: [UInt8: AcceptedPresentationContext],
        rejectedContexts: [UInt8: PresentationContextAC.Result] = [:],
        requestorMaximumLength: UInt32 = 0,
        acceptorMaximumLength: UInt32 = 0,
        requestorImplementationClassUID: String? = nil,
        requestorImplementationVersionName: String? = nil,
        acceptorImplementationClassUID: String? = nil,
        acceptorImplementationVersionName: String? = nil,
        maximumOperationsInvoked: UInt16 = 1,
        maximumOperationsPerformed: UInt16 = 1,
        userIdentity: UserIdentityRQ? = nil,
        userIdentityResponse: UserIdentityAC? = nil,
        extendedNegotiation: [String: [UInt8]] = [:]
    ) {
        self.callingAETitle = callingAETitle
        self.calledAETitle = calledAETitle
        self.acceptedContexts = acceptedContexts
        self.rejectedContexts = rejectedContexts
        self.requestorMaximumLength = requestorMaximumLength
        self.acceptorMaximumLength = acceptorMaximumLength
        self.requestorImplementationClassUID = requestorImplementationClassUID
        self.requestorImplementationVersionName = requestorImplementationVersionName
        self.acceptorImplementationClassUID = acceptorImplementationClassUID
        self.acceptorImplementationVersionName = acceptorImplementationVersionName
        self.maximumOperationsInvoked = maximumOperationsInvoked
        self.maximumOperationsPerformed = maximumOperationsPerformed
        self.userIdentity = userIdentity
        self.userIdentityResponse = userIdentityResponse
        self.extendedNegotiation = extendedNegotiation
    }

    /// The accepted context for an abstract syntax, preferring `transferSyntax` when given and
    /// otherwise the lowest ID; nil when none is accepted.
    public func context(forAbstractSyntax abstractSyntax: String, transferSyntax: String? = nil) -> AcceptedPresentationContext? {
        let candidates = acceptedContexts.values
            .filter { $0.abstractSyntax == abstractSyntax }
            .sorted { $0.id < $1.id }
        if let transferSyntax, let match = candidates.first(where: { $0.transferSyntax == transferSyntax }) {
            return match
        }
        return candidates.first
    }

    /// Requestor side: interprets the acceptor's answer to our request.
    ///
    /// Throws when the answer is not one the request allows: a context answered that was not
    /// proposed or answered twice, an acceptance without a transfer syntax or with one not
    /// proposed for that context (PS3.8 9.3.3.2), or no context accepted at all, which leaves
    /// an association nothing can be sent on. The caller then aborts (pynetdicom sends an
    /// A-ABORT in the last case too).
    public init(request: AssociateRQ, accept: AssociateAC) throws(NegotiationError) {
        let proposals = Self.proposalsByID(request)
        var answered = Set<UInt8>()
        for answer in accept.presentationContexts {
            guard let proposal = proposals[answer.id] else { throw .unproposedContextAnswered(id: answer.id) }
            guard answered.insert(answer.id).inserted else { throw .contextAnsweredTwice(id: answer.id) }
            guard answer.result == .acceptance else { continue }
            guard let transferSyntax = answer.transferSyntax, !transferSyntax.isEmpty else {
                throw .acceptedWithoutTransferSyntax(id: answer.id, abstractSyntax: proposal.abstractSyntax)
            }
            guard proposal.transferSyntaxes.contains(transferSyntax) else {
                throw .unproposedTransferSyntaxAccepted(
                    id: answer.id, abstractSyntax: proposal.abstractSyntax,
                    transferSyntax: transferSyntax, proposed: proposal.transferSyntaxes
                )
            }
        }
        self.init(agreedRequest: request, accept: accept)
        if acceptedContexts.isEmpty {
            var listed = Set<UInt8>()
            let rejected = request.presentationContexts.compactMap { proposal -> NegotiationError.RejectedContext? in
                guard listed.insert(proposal.id).inserted else { return nil }
                return NegotiationError.RejectedContext(
                    id: proposal.id, abstractSyntax: proposal.abstractSyntax,
                    result: rejectedContexts[proposal.id] ?? .noReason
                )
            }
            throw .noContextAccepted(rejected)
        }
    }

    /// The terms of an answer already known to fit its request: answers that do not are
    /// skipped rather than reported. The acceptor uses it on the answer it built.
    init(agreedRequest request: AssociateRQ, accept: AssociateAC) {
        let proposals = Self.proposalsByID(request)
        let requested = request.userInformation
        let answered = accept.userInformation

        // PS3.7 D.3.3.4: without a role selection item for the SOP class in both the request
        // and the answer, the requestor is SCU and the acceptor SCP. With both, the requestor
        // has each role it proposed (1) and the acceptor returned (1); a 1 returned for a role
        // not proposed is ignored.
        let proposedRoles = Self.firstBySOPClass(requested.roleSelections, \.sopClassUID)
        let answeredRoles = Self.firstBySOPClass(answered.roleSelections, \.sopClassUID)

        var accepted: [UInt8: AcceptedPresentationContext] = [:]
        var rejected: [UInt8: PresentationContextAC.Result] = [:]
        for answer in accept.presentationContexts {
            guard let proposal = proposals[answer.id] else { continue }
            guard answer.result == .acceptance,
                  let transferSyntax = answer.transferSyntax, !transferSyntax.isEmpty
            else {
                rejected[answer.id] = answer.result == .acceptance ? .noReason : answer.result
                continue
            }
            var context = AcceptedPresentationContext(id: answer.id, abstractSyntax: proposal.abstractSyntax, transferSyntax: transferSyntax)
            if let proposed = proposedRoles[proposal.abstractSyntax], let reply = answeredRoles[proposal.abstractSyntax] {
                context.requestorIsSCU = proposed.scuRole && reply.scuRole
                context.requestorIsSCP = proposed.scpRole && reply.scpRole
            }
            accepted[answer.id] = context
        }
        for id in proposals.keys where accepted[id] == nil && rejected[id] == nil {
            rejected[id] = .noReason
        }

        // PS3.7 D.3.3.3: without the item in both the request and the answer, 1 and 1.
        var window = AsynchronousOperationsWindow.synchronous
        if let proposed = requested.asynchronousOperationsWindow, let answer = answered.asynchronousOperationsWindow {
            window = proposed.narrowed(by: answer)
        }

        // PS3.7 D.3.3.5: an answer counts only for a SOP class the request offered one for.
        let offered = Set(requested.sopClassExtendedNegotiations.map(\.sopClassUID))
        var extended: [String: [UInt8]] = [:]
        for item in answered.sopClassExtendedNegotiations where offered.contains(item.sopClassUID) && extended[item.sopClassUID] == nil {
            extended[item.sopClassUID] = item.serviceClassApplicationInformation
        }

        // PS3.7 D.3.3.7: the server response is meaningful only when one was asked for.
        let identity = requested.userIdentityRQ
        let identityResponse = identity?.positiveResponseRequested == true ? answered.userIdentityAC : nil

        self.init(
            callingAETitle: request.callingAETitle,
            calledAETitle: request.calledAETitle,
            acceptedContexts: accepted,
            rejectedContexts: rejected,
            requestorMaximumLength: requested.maximumLength ?? 0,
            acceptorMaximumLength: answered.maximumLength ?? 0,
            requestorImplementationClassUID: requested.implementationClassUID,
            requestorImplementationVersionName: requested.implementationVersionName,
            acceptorImplementationClassUID: answered.implementationClassUID,
            acceptorImplementationVersionName: answered.implementationVersionName,
            maximumOperationsInvoked: window.maximumOperationsInvoked,
            maximumOperationsPerformed: window.maximumOperationsPerformed,
            userIdentity: identity,
            userIdentityResponse: identityResponse,
            extendedNegotiation: extended
        )
    }

    /// The proposed contexts by ID; of several with one ID, the first.
    static func proposalsByID(_ request: AssociateRQ) -> [UInt8: PresentationContextRQ] {
        var proposals: [UInt8: PresentationContextRQ] = [:]
        for proposal in request.presentationContexts where proposals[proposal.id] == nil {
            proposals[proposal.id] = proposal
        }
        return proposals
    }

    /// Items by SOP class UID; PS3.7 D.3.3.4 and D.3.3.5 allow one per SOP class, so of several the first counts.
    static func firstBySOPClass<Item>(_ items: [Item], _ uid: KeyPath<Item, String>) -> [String: Item] {
        var result: [String: Item] = [:]
        for item in items where result[item[keyPath: uid]] == nil {
            result[item[keyPath: uid]] = item
        }
        return result
    }
}
