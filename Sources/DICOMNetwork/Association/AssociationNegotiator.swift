/// Association negotiation on the acceptor side (PS3.8 9.3.2–9.3.3, PS3.7 Annex D.3.3): the
/// answer to an A-ASSOCIATE-RQ, decided from the request and this AE's configuration alone.
public enum AssociationNegotiator {
    /// What becomes of one proposed presentation context.
    enum Decision {
        case accept(transferSyntax: String)
        case reject(PresentationContextRejection)
    }

    /// Acceptor side: the A-ASSOCIATE-AC or -RJ that answers `request`.
    ///
    /// The association is rejected, permanently, on the first of these that holds (the
    /// reasons and sources are those DCMTK and pynetdicom send):
    /// - protocol version without bit 0: service-provider (ACSE), protocol version not supported;
    /// - an application context other than DICOM's: service-user, application context name not supported;
    /// - a called AE title other than ours: service-user, called AE title not recognized;
    /// - a blank calling AE title: service-user, calling AE title not recognized;
    /// - no presentation context acceptable: service-user, no reason given (DCMTK's storescp
    ///   and pynetdicom reject rather than accept an association nothing can be sent on).
    ///
    /// `userIdentityResponse` is what the upper layer (authentication) decided to send back in
    /// a 59H sub-item when the request asked for a positive response; nil means no 59H item.
    /// Whether the identity itself is acceptable is that layer's decision, not this one's.
    public static func answer(_ request: AssociateRQ, configuration: AcceptorConfiguration, userIdentityResponse: UserIdentityAC? = nil) -> NegotiationOutcome {
        if let failure = associationFailure(request, configuration) {
            return .reject(rejection(for: failure), reason: failure)
        }

        let requested = request.userInformation
        let proposedRoles = NegotiatedAssociation.firstBySOPClass(requested.roleSelections, \.sopClassUID)
        var idCounts: [UInt8: Int] = [:]
        for proposal in request.presentationContexts { idCounts[proposal.id, default: 0] += 1 }

        var answers: [PresentationContextAC] = []
        var answeredIDs = Set<UInt8>()
        var rejections: [PresentationContextRejection] = []
        var acceptedSOPClasses = Set<String>()
        for proposal in request.presentationContexts {
            let duplicated = idCounts[proposal.id, default: 0] > 1
            let answer: PresentationContextAC
            switch decide(proposal, duplicated: duplicated, proposedRole: proposedRoles[proposal.abstractSyntax], configuration: configuration) {
            case let .accept(transferSyntax):
                answer = PresentationContextAC(id: proposal.id, result: .acceptance, transferSyntax: transferSyntax)
                acceptedSOPClasses.insert(proposal.abstractSyntax)
            case let .reject(rejection):
                // PS3.8 Table 9-18: the transfer syntax sub-item is sent but not significant
                // when the context is not accepted; like pynetdicom, echo the first proposed.
                answer = PresentationContextAC(id: proposal.id, result: rejection.result, transferSyntax: proposal.transferSyntaxes.first)
                rejections.append(rejection)
            }
            // One answer per ID: a duplicated ID is rejected as a whole, answered once.
            if answeredIDs.insert(proposal.id).inserted { answers.append(answer) }
        }

        guard !acceptedSOPClasses.isEmpty else {
            let failure = NegotiationFailure.noPresentationContextAccepted(proposed: request.presentationContexts.count, rejections: rejections)
            return .reject(rejection(for: failure), reason: failure)
        }

        let accept = AssociateAC(
            protocolVersion: 1,
            // PS3.8 Table 9-17: sent with the request's values, not tested on receipt.
            calledAETitle: request.calledAETitle,
            callingAETitle: request.callingAETitle,
            applicationContext: .dicom,
            presentationContexts: answers,
            userInformation: userInformation(
                answering: requested, configuration: configuration, proposedRoles: proposedRoles,
                acceptedSOPClasses: acceptedSOPClasses, userIdentityResponse: userIdentityResponse
            )
        )
        return .accept(accept, NegotiatedAssociation(agreedRequest: request, accept: accept))
    }

    /// The reason to reject the association as a whole before looking at its contexts, if any.
    static func associationFailure(_ request: AssociateRQ, _ configuration: AcceptorConfiguration) -> NegotiationFailure? {
        // PS3.8 Table 9-11: bit 0 set is version 1, the only one defined; other bits are ignored.
        if request.protocolVersion & 1 == 0 {
            return .protocolVersionNotSupported(request.protocolVersion)
        }
        if request.applicationContext != .dicom {
            return .applicationContextNotSupported(request.applicationContext.name)
        }
        if !configuration.acceptsAnyCalledAETitle, request.calledAETitle != configuration.aeTitle {
            return .calledAETitleNotRecognized(called: request.calledAETitle, expected: configuration.aeTitle)
        }
        if request.callingAETitle.isBlank {
            return .callingAETitleBlank
        }
        return nil
    }

    /// The A-ASSOCIATE-RJ for a failure (PS3.8 Table 9-21). All are permanent: the same
    /// request would fail the same way again.
    static func rejection(for failure: NegotiationFailure) -> AssociateRJ {
        let source: AssociateRJ.Source = switch failure {
        case .protocolVersionNotSupported: .serviceProviderACSE(.protocolVersionNotSupported)
        case .applicationContextNotSupported: .serviceUser(.applicationContextNameNotSupported)
        case .calledAETitleNotRecognized: .serviceUser(.calledAETitleNotRecognized)
        case .callingAETitleBlank: .serviceUser(.callingAETitleNotRecognized)
        case .noPresentationContextAccepted: .serviceUser(.noReasonGiven)
        }
        return AssociateRJ(result: .rejectedPermanent, source: source)
    }

    /// Accepts one proposed context with a transfer syntax, or says why not.
    static func decide(
        _ proposal: PresentationContextRQ,
        duplicated: Bool,
        proposedRole: RoleSelection?,
        configuration: AcceptorConfiguration
    ) -> Decision {
        func reject(_ reason: PresentationContextRejection.Reason) -> Decision {
            .reject(PresentationContextRejection(id: proposal.id, abstractSyntax: proposal.abstractSyntax, reason: reason))
        }
        // PS3.8 9.3.2.2: IDs are odd. The standard names no result for a malformed ID; it is a
        // protocol fault, not the application's choice, so a provider rejection, no reason.
        if proposal.id % 2 == 0 { return reject(.evenID) }
        if duplicated { return reject(.duplicateID) }
        guard let support = configuration.abstractSyntaxes[proposal.abstractSyntax] else {
            return reject(.abstractSyntaxNotSupported)
        }
        // PS3.8 7.1.1.14: exactly one of the proposed transfer syntaxes is accepted.
        let chosen = configuration.preferRequestorTransferSyntaxOrder
            ? proposal.transferSyntaxes.first(where: support.transferSyntaxes.contains)
            : support.transferSyntaxes.first(where: proposal.transferSyntaxes.contains)
        guard let transferSyntax = chosen else {
            return reject(.transferSyntaxesNotSupported(proposed: proposal.transferSyntaxes))
        }
        let roles = requestorRoles(proposed: proposedRole, support: support)
        if !roles.scu && !roles.scp {
            return reject(.noRoleAllowed(proposedSCU: proposedRole?.scuRole ?? true, proposedSCP: proposedRole?.scpRole ?? false))
        }
        return .accept(transferSyntax: transferSyntax)
    }

    /// The roles the requestor gets on a SOP class (PS3.7 D.3.3.4). With a role selection item,
    /// each role it proposed that we allow; without one, the default: SCU only, which we may
    /// not allow (a SOP class on which we only act as SCU), leaving it no role.
    static func requestorRoles(proposed: RoleSelection?, support: AbstractSyntaxSupport) -> (scu: Bool, scp: Bool) {
        guard let proposed else { return (support.acceptsSCURoleOfRequestor, false) }
        return (proposed.scuRole && support.acceptsSCURoleOfRequestor, proposed.scpRole && support.acceptsSCPRoleOfRequestor)
    }

    /// The user information item of the A-ASSOCIATE-AC (PS3.8 9.3.3.3, PS3.7 D.3.3), sub-items
    /// in item-type order. Optional negotiations are answered only when the request made them
    /// (PS3.7 D.3.3.3–D.3.3.5: "omitted in the A-ASSOCIATE response").
    static func userInformation(
        answering requested: UserInformation,
        configuration: AcceptorConfiguration,
        proposedRoles: [String: RoleSelection],
        acceptedSOPClasses: Set<String>,
        userIdentityResponse: UserIdentityAC?
    ) -> UserInformation {
        var items: [UserInformationSubItem] = [
            .maximumLength(configuration.maximumLength),
            .implementationClassUID(configuration.implementationClassUID),
        ]
        if let window = requested.asynchronousOperationsWindow {
            items.append(.asynchronousOperationsWindow(window.answered(
                acceptorPerforms: configuration.maximumOperationsPerformed,
                acceptorInvokes: configuration.maximumOperationsInvoked
            )))
        }
        // PS3.7 D.3.3.4: answer each role selection item for a SOP class we accepted, returning
        // 1 only for a role both proposed and allowed. Requested order, first item per class.
        var answeredRoles = Set<String>()
        for role in requested.roleSelections {
            guard acceptedSOPClasses.contains(role.sopClassUID), answeredRoles.insert(role.sopClassUID).inserted,
                  let support = configuration.abstractSyntaxes[role.sopClassUID], let proposed = proposedRoles[role.sopClassUID]
            else { continue }
            let roles = requestorRoles(proposed: proposed, support: support)
            items.append(.roleSelection(RoleSelection(sopClassUID: role.sopClassUID, scuRole: roles.scu, scpRole: roles.scp)))
        }
        // PS3.7 D.3.3.2.3: the version name is 1–16 characters; an empty one is not sent.
        if !configuration.implementationVersionName.isEmpty {
            items.append(.implementationVersionName(configuration.implementationVersionName))
        }
        // PS3.7 D.3.3.5: answer only SOP classes offered, accepted, and configured with an answer.
        var answeredExtended = Set<String>()
        for offer in requested.sopClassExtendedNegotiations {
            guard acceptedSOPClasses.contains(offer.sopClassUID), answeredExtended.insert(offer.sopClassUID).inserted,
                  let information = configuration.extendedNegotiation[offer.sopClassUID]
            else { continue }
            items.append(.sopClassExtendedNegotiation(SOPClassExtendedNegotiation(sopClassUID: offer.sopClassUID, serviceClassApplicationInformation: information)))
        }
        // PS3.7 D.3.3.6: common extended negotiation (57H) has no answer.
        // PS3.7 D.3.3.7.2: a server response only when the requestor asked for one.
        if let userIdentityResponse, requested.userIdentityRQ?.positiveResponseRequested == true {
            items.append(.userIdentityAC(userIdentityResponse))
        }
        return UserInformation(subItems: items)
    }
}
