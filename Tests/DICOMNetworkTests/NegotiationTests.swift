import DICOMNetwork
import NIOCore
import Testing

private typealias S = NegotiationSamples

@Suite("Association negotiation, acceptor side (PS3.8 9.3.2–9.3.3, PS3.7 D.3.3)")
struct NegotiationTests {
    // MARK: Accepting

    @Test func acceptsDCMTKEchoRequest() throws {
        let configuration = AcceptorConfiguration(aeTitle: try AETitle("ANY-SCP"), abstractSyntaxes: [
            S.verification: AbstractSyntaxSupport(transferSyntaxes: [S.implicitVRLittleEndian]),
        ])
        let (ac, association) = try S.accepted(AssociationNegotiator.answer(Fixtures.associateRQ, configuration: configuration))
        #expect(ac.presentationContexts == [PresentationContextAC(id: 1, result: .acceptance, transferSyntax: S.implicitVRLittleEndian)])
        #expect(association.acceptedContexts == [1: AcceptedPresentationContext(id: 1, abstractSyntax: S.verification, transferSyntax: S.implicitVRLittleEndian)])
        #expect(association.rejectedContexts.isEmpty)
        #expect(association.callingAETitle == (try AETitle("ECHOSCU")))
        #expect(association.calledAETitle == (try AETitle("ANY-SCP")))
        #expect(association.requestorMaximumLength == 16_384)
        #expect(association.acceptorMaximumLength == 262_144)
        #expect(association.requestorImplementationClassUID == "1.2.276.0.7230010.3.0.3.6.0")
        #expect(association.requestorImplementationVersionName == "OFFIS_DCMTK_360")
        #expect(association.maximumOperationsInvoked == 1)
        #expect(association.maximumOperationsPerformed == 1)
    }

    @Test func answerAlwaysStatesMaximumLengthAndImplementation() throws {
        var configuration = S.configuration()
        configuration.maximumLength = 65_536
        let (ac, association) = try S.accepted(AssociationNegotiator.answer(S.request([S.context(1, S.verification)]), configuration: configuration))
        #expect(ac.userInformation.subItems == [
            .maximumLength(65_536),
            .implementationClassUID("2.25.323541408573454260616335267934795940365"),
            .implementationVersionName("RAMPART_010"),
        ])
        #expect(association.acceptorImplementationClassUID == "2.25.323541408573454260616335267934795940365")
        #expect(association.acceptorImplementationVersionName == "RAMPART_010")
    }

    @Test func emptyImplementationVersionNameIsNotSent() throws {
        var configuration = S.configuration()
        configuration.implementationVersionName = ""
        let (ac, association) = try S.accepted(AssociationNegotiator.answer(S.request([S.context(1, S.verification)]), configuration: configuration))
        #expect(ac.userInformation.implementationVersionName == nil)
        #expect(association.acceptorImplementationVersionName == nil)
    }

    @Test func answerEchoesTheRequestsAETitlesAndSpeaksVersion1() throws {
        var configuration = S.configuration()
        configuration.acceptsAnyCalledAETitle = true
        let called = try AETitle("OTHER")
        let (ac, _) = try S.accepted(AssociationNegotiator.answer(S.request([S.context(1, S.verification)], called: called), configuration: configuration))
        #expect(ac.calledAETitle == called)
        #expect(ac.callingAETitle == S.modality)
        #expect(ac.protocolVersion == 1)
        #expect(ac.applicationContext == .dicom)
    }

    @Test func unknownUserInformationSubItemsAreIgnored() throws {
        // PS3.8 D.2 note 2: acceptors ignore sub-items they do not recognize.
        let request = S.request([S.context(1, S.verification)], extraSubItems: [.unknown(RawItem(type: 0x7A, data: [1, 2, 3]))])
        let (ac, _) = try S.accepted(AssociationNegotiator.answer(request, configuration: S.configuration()))
        #expect(!ac.userInformation.subItems.contains { if case .unknown = $0 { true } else { false } })
    }

    // MARK: Rejecting the association

    @Test func rejectsAssociationCallingAnotherAETitle() throws {
        let request = S.request([S.context(1, S.verification)], called: try AETitle("ANY-SCP"))
        let (rj, reason) = try S.rejected(AssociationNegotiator.answer(request, configuration: S.configuration()))
        #expect(rj == AssociateRJ(result: .rejectedPermanent, source: .serviceUser(.calledAETitleNotRecognized)))
        #expect(reason == .calledAETitleNotRecognized(called: try AETitle("ANY-SCP"), expected: S.rampart))
        #expect(reason.description == "called AE title 'ANY-SCP' is not this server's ('RAMPART')")
    }

    @Test func acceptsAnyCalledAETitleWhenConfiguredTo() throws {
        var configuration = S.configuration()
        configuration.acceptsAnyCalledAETitle = true
        let request = S.request([S.context(1, S.verification)], called: try AETitle("ANY-SCP"))
        let (_, association) = try S.accepted(AssociationNegotiator.answer(request, configuration: configuration))
        #expect(association.calledAETitle == (try AETitle("ANY-SCP")))
    }

    @Test func rejectsApplicationContextOtherThanDICOMs() throws {
        var request = S.request([S.context(1, S.verification)])
        request.applicationContext = ApplicationContext(name: "1.2.3.4")
        let (rj, reason) = try S.rejected(AssociationNegotiator.answer(request, configuration: S.configuration()))
        #expect(rj == AssociateRJ(result: .rejectedPermanent, source: .serviceUser(.applicationContextNameNotSupported)))
        #expect(reason == .applicationContextNotSupported("1.2.3.4"))
        #expect(reason.description.contains("'1.2.3.4'"))
    }

    @Test func rejectsProtocolVersionWithoutBit0() throws {
        var request = S.request([S.context(1, S.verification)])
        request.protocolVersion = 2
        let (rj, reason) = try S.rejected(AssociationNegotiator.answer(request, configuration: S.configuration()))
        #expect(rj == AssociateRJ(result: .rejectedPermanent, source: .serviceProviderACSE(.protocolVersionNotSupported)))
        #expect(reason == .protocolVersionNotSupported(2))
        #expect(reason.description.hasPrefix("protocol version 0x2 does not have bit 0 set"))
    }

    @Test func acceptsProtocolVersionWithBit0AndOtherBitsSet() throws {
        // PS3.8 Table 9-11 defines bit 0 only; a later version would keep it set.
        var request = S.request([S.context(1, S.verification)])
        request.protocolVersion = 3
        _ = try S.accepted(AssociationNegotiator.answer(request, configuration: S.configuration()))
    }

    @Test func rejectsBlankCallingAETitle() throws {
        let request = S.request([S.context(1, S.verification)], calling: .blank)
        let (rj, reason) = try S.rejected(AssociationNegotiator.answer(request, configuration: S.configuration()))
        #expect(rj == AssociateRJ(result: .rejectedPermanent, source: .serviceUser(.callingAETitleNotRecognized)))
        #expect(reason == .callingAETitleBlank)
    }

    @Test func protocolVersionIsCheckedBeforeAETitles() throws {
        var request = S.request([S.context(1, S.verification)], called: try AETitle("WRONG"), calling: .blank)
        request.protocolVersion = 0
        let (_, reason) = try S.rejected(AssociationNegotiator.answer(request, configuration: S.configuration()))
        #expect(reason == .protocolVersionNotSupported(0))
    }

    @Test func rejectsAssociationWhenNoContextIsAccepted() throws {
        let request = S.request([
            S.context(1, "1.2.3"),
            S.context(3, S.verification, [S.jpegBaseline]),
            S.context(4, S.verification),
        ])
        let (rj, reason) = try S.rejected(AssociationNegotiator.answer(request, configuration: S.configuration()))
        #expect(rj == AssociateRJ(result: .rejectedPermanent, source: .serviceUser(.noReasonGiven)))
        #expect(reason == .noPresentationContextAccepted(proposed: 3, rejections: [
            PresentationContextRejection(id: 1, abstractSyntax: "1.2.3", reason: .abstractSyntaxNotSupported),
            PresentationContextRejection(id: 3, abstractSyntax: S.verification, reason: .transferSyntaxesNotSupported(proposed: [S.jpegBaseline])),
            PresentationContextRejection(id: 4, abstractSyntax: S.verification, reason: .evenID),
        ]))
        #expect(reason.description == "none of the 3 proposed presentation contexts is accepted: "
            + "context 1 1.2.3 (abstract syntax not supported); "
            + "context 3 1.2.840.10008.1.1 (none of the proposed transfer syntaxes is supported: 1.2.840.10008.1.2.4.50); "
            + "context 4 1.2.840.10008.1.1 (even ID; presentation context IDs are odd (PS3.8 9.3.2.2))")
    }

    @Test func rejectsRequestProposingNoContext() throws {
        let (rj, reason) = try S.rejected(AssociationNegotiator.answer(S.request([]), configuration: S.configuration()))
        #expect(rj == AssociateRJ(result: .rejectedPermanent, source: .serviceUser(.noReasonGiven)))
        #expect(reason.description == "the request proposes no presentation context")
    }

    @Test func failureListsAtMostEightContextsThenCountsTheRest() throws {
        let request = S.request((0..<10).map { S.context(UInt8(2 * $0 + 1), "1.2.3.\($0)") })
        let (_, reason) = try S.rejected(AssociationNegotiator.answer(request, configuration: S.configuration()))
        #expect(reason.description.hasPrefix("none of the 10 proposed presentation contexts is accepted: context 1 1.2.3.0"))
        #expect(reason.description.hasSuffix("context 15 1.2.3.7 (abstract syntax not supported); and 2 more"))
    }

    // MARK: Presentation contexts

    @Test func rejectsContextWithUnsupportedAbstractSyntax() throws {
        let request = S.request([S.context(1, S.verification), S.context(3, S.mrImageStorage, [S.explicitVRLittleEndian, S.implicitVRLittleEndian])])
        let (ac, association) = try S.accepted(AssociationNegotiator.answer(request, configuration: S.configuration()))
        // PS3.8 Table 9-18: the transfer syntax is not significant; the first proposed is echoed.
        #expect(S.answer(3, in: ac) == PresentationContextAC(id: 3, result: .abstractSyntaxNotSupported, transferSyntax: S.explicitVRLittleEndian))
        #expect(association.rejectedContexts == [3: .abstractSyntaxNotSupported])
        #expect(association.acceptedContexts.keys.sorted() == [1])
    }

    @Test func rejectsContextWithNoCommonTransferSyntax() throws {
        let request = S.request([S.context(1, S.verification), S.context(3, S.ctImageStorage, [S.jpegBaseline])])
        let (ac, association) = try S.accepted(AssociationNegotiator.answer(request, configuration: S.configuration()))
        #expect(S.answer(3, in: ac) == PresentationContextAC(id: 3, result: .transferSyntaxesNotSupported, transferSyntax: S.jpegBaseline))
        #expect(association.rejectedContexts == [3: .transferSyntaxesNotSupported])
    }

    @Test func rejectsContextWithEvenID() throws {
        let request = S.request([S.context(1, S.verification), S.context(2, S.ctImageStorage)])
        let (ac, association) = try S.accepted(AssociationNegotiator.answer(request, configuration: S.configuration()))
        #expect(S.answer(2, in: ac)?.result == .noReason)
        #expect(association.rejectedContexts == [2: .noReason])
        #expect(association.acceptedContexts.keys.sorted() == [1])
    }

    @Test func rejectsEveryContextSharingAnIDAndAnswersThatIDOnce() throws {
        let request = S.request([S.context(1, S.verification), S.context(3, S.ctImageStorage), S.context(3, S.studyRootFind)])
        let (ac, association) = try S.accepted(AssociationNegotiator.answer(request, configuration: S.configuration()))
        #expect(ac.presentationContexts.map(\.id) == [1, 3])
        #expect(S.answer(3, in: ac)?.result == .noReason)
        #expect(association.rejectedContexts == [3: .noReason])
    }

    @Test func answersContextsInTheOrderProposed() throws {
        let request = S.request([S.context(5, S.ctImageStorage), S.context(1, "1.2.3"), S.context(3, S.verification)])
        let (ac, _) = try S.accepted(AssociationNegotiator.answer(request, configuration: S.configuration()))
        #expect(ac.presentationContexts.map(\.id) == [5, 1, 3])
    }

    @Test func picksFirstProposedTransferSyntaxThatIsSupported() throws {
        // The acceptor lists explicit first; the requestor's order wins, as in DCMTK and pynetdicom.
        let request = S.request([S.context(1, S.ctImageStorage, [S.jpegBaseline, S.implicitVRLittleEndian, S.explicitVRLittleEndian])])
        let (ac, association) = try S.accepted(AssociationNegotiator.answer(request, configuration: S.configuration()))
        #expect(S.answer(1, in: ac)?.transferSyntax == S.implicitVRLittleEndian)
        #expect(association.acceptedContexts[1]?.transferSyntax == S.implicitVRLittleEndian)
    }

    @Test func picksAcceptorsPreferredTransferSyntaxWhenConfiguredTo() throws {
        var configuration = S.configuration()
        configuration.preferRequestorTransferSyntaxOrder = false
        let request = S.request([S.context(1, S.ctImageStorage, [S.jpegBaseline, S.implicitVRLittleEndian, S.explicitVRLittleEndian])])
        let (ac, _) = try S.accepted(AssociationNegotiator.answer(request, configuration: configuration))
        #expect(S.answer(1, in: ac)?.transferSyntax == S.explicitVRLittleEndian)
    }

    @Test func sameAbstractSyntaxMayBeAcceptedInSeveralContexts() throws {
        let request = S.request([S.context(1, S.ctImageStorage, [S.explicitVRLittleEndian]), S.context(3, S.ctImageStorage, [S.implicitVRLittleEndian])])
        let (_, association) = try S.accepted(AssociationNegotiator.answer(request, configuration: S.configuration()))
        #expect(association.acceptedContexts.count == 2)
        #expect(association.context(forAbstractSyntax: S.ctImageStorage)?.id == 1)
        #expect(association.context(forAbstractSyntax: S.ctImageStorage, transferSyntax: S.implicitVRLittleEndian)?.id == 3)
        #expect(association.context(forAbstractSyntax: S.ctImageStorage, transferSyntax: S.jpegBaseline)?.id == 1)
        #expect(association.context(forAbstractSyntax: S.mrImageStorage) == nil)
    }

    // MARK: SCP/SCU role selection (PS3.7 D.3.3.4)

    @Test func withoutRoleSelectionRequestorIsSCUOnlyAndNoRoleItemIsAnswered() throws {
        let (ac, association) = try S.accepted(AssociationNegotiator.answer(S.request([S.context(1, S.ctImageStorage)]), configuration: S.configuration()))
        #expect(ac.userInformation.roleSelections.isEmpty)
        let context = try #require(association.acceptedContexts[1])
        #expect(context.requestorIsSCU && !context.requestorIsSCP)
        #expect(context.acceptorIsSCP && !context.acceptorIsSCU)
    }

    @Test func acceptsRequestorAsSCPForCGetStorageSubOperations() throws {
        let request = S.request(
            [S.context(1, S.studyRootGet), S.context(3, S.ctImageStorage)],
            extraSubItems: [.roleSelection(RoleSelection(sopClassUID: S.ctImageStorage, scuRole: false, scpRole: true))]
        )
        let (ac, association) = try S.accepted(AssociationNegotiator.answer(request, configuration: S.configuration()))
        #expect(ac.userInformation.roleSelections == [RoleSelection(sopClassUID: S.ctImageStorage, scuRole: false, scpRole: true)])
        let storage = try #require(association.acceptedContexts[3])
        #expect(!storage.requestorIsSCU && storage.requestorIsSCP)
        #expect(storage.acceptorIsSCU)
        let get = try #require(association.acceptedContexts[1])
        #expect(get.requestorIsSCU && !get.requestorIsSCP)
    }

    @Test func acceptsBothRolesWhenBothProposedAndAllowed() throws {
        let request = S.request([S.context(1, S.ctImageStorage)], extraSubItems: [.roleSelection(RoleSelection(sopClassUID: S.ctImageStorage, scuRole: true, scpRole: true))])
        let (ac, association) = try S.accepted(AssociationNegotiator.answer(request, configuration: S.configuration()))
        #expect(ac.userInformation.roleSelections == [RoleSelection(sopClassUID: S.ctImageStorage, scuRole: true, scpRole: true)])
        #expect(association.acceptedContexts[1]?.requestorIsSCU == true)
        #expect(association.acceptedContexts[1]?.requestorIsSCP == true)
    }

    @Test func turnsDownSCPRoleNotAllowedButKeepsSCU() throws {
        let request = S.request([S.context(1, S.verification)], extraSubItems: [.roleSelection(RoleSelection(sopClassUID: S.verification, scuRole: true, scpRole: true))])
        let (ac, association) = try S.accepted(AssociationNegotiator.answer(request, configuration: S.configuration()))
        #expect(ac.userInformation.roleSelections == [RoleSelection(sopClassUID: S.verification, scuRole: true, scpRole: false)])
        #expect(association.acceptedContexts[1]?.requestorIsSCU == true)
        #expect(association.acceptedContexts[1]?.requestorIsSCP == false)
    }

    @Test func neverReturnsARoleThatWasNotProposed() throws {
        // PS3.7 D.3.3.4: "shall not return the value (1) if the Association-requestor has not proposed the role".
        let request = S.request([S.context(1, S.ctImageStorage)], extraSubItems: [.roleSelection(RoleSelection(sopClassUID: S.ctImageStorage, scuRole: true, scpRole: false))])
        let (ac, _) = try S.accepted(AssociationNegotiator.answer(request, configuration: S.configuration()))
        #expect(ac.userInformation.roleSelections == [RoleSelection(sopClassUID: S.ctImageStorage, scuRole: true, scpRole: false)])
    }

    @Test func rejectsContextWhenOnlyADisallowedRoleIsProposed() throws {
        let request = S.request(
            [S.context(1, S.verification), S.context(3, S.studyRootFind)],
            extraSubItems: [.roleSelection(RoleSelection(sopClassUID: S.studyRootFind, scuRole: false, scpRole: true))]
        )
        let (ac, association) = try S.accepted(AssociationNegotiator.answer(request, configuration: S.configuration()))
        #expect(S.answer(3, in: ac)?.result == .userRejection)
        #expect(association.rejectedContexts == [3: .userRejection])
        // Nothing accepted for that SOP class, so no role answer for it.
        #expect(ac.userInformation.roleSelections.isEmpty)
    }

    @Test func rejectionForDisallowedRoleTellsWhichRole() throws {
        let request = S.request([S.context(1, S.studyRootFind)], extraSubItems: [.roleSelection(RoleSelection(sopClassUID: S.studyRootFind, scuRole: false, scpRole: true))])
        let (_, reason) = try S.rejected(AssociationNegotiator.answer(request, configuration: S.configuration()))
        #expect(reason.description == "the only proposed presentation context is not accepted: context 1 \(S.studyRootFind) (the requestor may not act as SCP for this SOP class)")
    }

    @Test func rejectsContextWhenRoleSelectionProposesNoRole() throws {
        let request = S.request(
            [S.context(1, S.verification), S.context(3, S.ctImageStorage)],
            extraSubItems: [.roleSelection(RoleSelection(sopClassUID: S.ctImageStorage, scuRole: false, scpRole: false))]
        )
        let (ac, _) = try S.accepted(AssociationNegotiator.answer(request, configuration: S.configuration()))
        #expect(S.answer(3, in: ac)?.result == .userRejection)
        let rejection = PresentationContextRejection(id: 3, abstractSyntax: S.ctImageStorage, reason: .noRoleAllowed(proposedSCU: false, proposedSCP: false))
        #expect(rejection.description == "context 3 \(S.ctImageStorage) (role selection proposes neither SCU nor SCP)")
    }

    @Test func rejectsContextWhenDefaultSCURoleIsNotAllowed() throws {
        // A SOP class on which this AE only acts as SCU (say, to send N-EVENT-REPORTs) needs
        // the requestor to propose the SCP role; the default (requestor SCU) is not enough.
        var configuration = S.configuration()
        configuration.abstractSyntaxes[S.mrImageStorage] = AbstractSyntaxSupport(
            transferSyntaxes: [S.implicitVRLittleEndian], acceptsSCURoleOfRequestor: false, acceptsSCPRoleOfRequestor: true
        )
        let request = S.request([S.context(1, S.verification), S.context(3, S.mrImageStorage)])
        let (ac, _) = try S.accepted(AssociationNegotiator.answer(request, configuration: configuration))
        #expect(S.answer(3, in: ac)?.result == .userRejection)
    }

    @Test func roleItemForSOPClassNotAcceptedIsNotAnswered() throws {
        let request = S.request(
            [S.context(1, S.verification)],
            extraSubItems: [
                .roleSelection(RoleSelection(sopClassUID: S.mrImageStorage, scuRole: false, scpRole: true)),
                .roleSelection(RoleSelection(sopClassUID: S.ctImageStorage, scuRole: false, scpRole: true)),
            ]
        )
        let (ac, _) = try S.accepted(AssociationNegotiator.answer(request, configuration: S.configuration()))
        #expect(ac.userInformation.roleSelections.isEmpty)
    }

    @Test func onlyTheFirstRoleItemForASOPClassCounts() throws {
        let request = S.request(
            [S.context(1, S.ctImageStorage)],
            extraSubItems: [
                .roleSelection(RoleSelection(sopClassUID: S.ctImageStorage, scuRole: false, scpRole: true)),
                .roleSelection(RoleSelection(sopClassUID: S.ctImageStorage, scuRole: true, scpRole: false)),
            ]
        )
        let (ac, association) = try S.accepted(AssociationNegotiator.answer(request, configuration: S.configuration()))
        #expect(ac.userInformation.roleSelections == [RoleSelection(sopClassUID: S.ctImageStorage, scuRole: false, scpRole: true)])
        #expect(association.acceptedContexts[1]?.requestorIsSCP == true)
    }

    // MARK: Asynchronous operations window (PS3.7 D.3.3.3)

    @Test func windowNotProposedIsNotAnsweredAndIsSynchronous() throws {
        var configuration = S.configuration()
        configuration.maximumOperationsPerformed = 10
        let (ac, association) = try S.accepted(AssociationNegotiator.answer(S.request([S.context(1, S.verification)]), configuration: configuration))
        #expect(ac.userInformation.asynchronousOperationsWindow == nil)
        #expect(association.maximumOperationsInvoked == 1)
        #expect(association.maximumOperationsPerformed == 1)
    }

    @Test func unlimitedWindowIsNarrowedToOurs() throws {
        let request = S.request([S.context(1, S.verification)], extraSubItems: [.asynchronousOperationsWindow(AsynchronousOperationsWindow(maximumOperationsInvoked: 0, maximumOperationsPerformed: 0))])
        let (ac, association) = try S.accepted(AssociationNegotiator.answer(request, configuration: S.configuration()))
        #expect(ac.userInformation.asynchronousOperationsWindow == AsynchronousOperationsWindow(maximumOperationsInvoked: 1, maximumOperationsPerformed: 1))
        #expect(association.maximumOperationsInvoked == 1)
        #expect(association.maximumOperationsPerformed == 1)
    }

    @Test func windowIsTheSmallerOfProposedAndOursCountingZeroAsUnlimited() throws {
        // The requestor may invoke 5 and perform 3; we perform 2 at once and invoke without limit.
        var configuration = S.configuration()
        configuration.maximumOperationsPerformed = 2
        configuration.maximumOperationsInvoked = 0
        let request = S.request([S.context(1, S.verification)], extraSubItems: [.asynchronousOperationsWindow(AsynchronousOperationsWindow(maximumOperationsInvoked: 5, maximumOperationsPerformed: 3))])
        let (ac, association) = try S.accepted(AssociationNegotiator.answer(request, configuration: configuration))
        #expect(ac.userInformation.asynchronousOperationsWindow == AsynchronousOperationsWindow(maximumOperationsInvoked: 2, maximumOperationsPerformed: 3))
        #expect(association.maximumOperationsInvoked == 2)
        #expect(association.maximumOperationsPerformed == 3)
    }

    @Test func unlimitedOnBothSidesStaysUnlimited() throws {
        var configuration = S.configuration()
        configuration.maximumOperationsPerformed = 0
        configuration.maximumOperationsInvoked = 0
        let request = S.request([S.context(1, S.verification)], extraSubItems: [.asynchronousOperationsWindow(AsynchronousOperationsWindow(maximumOperationsInvoked: 0, maximumOperationsPerformed: 0))])
        let (ac, _) = try S.accepted(AssociationNegotiator.answer(request, configuration: configuration))
        #expect(ac.userInformation.asynchronousOperationsWindow == AsynchronousOperationsWindow(maximumOperationsInvoked: 0, maximumOperationsPerformed: 0))
    }

    // MARK: SOP class extended negotiation (PS3.7 D.3.3.5, D.3.3.6)

    @Test func extendedNegotiationIsNotAnsweredWithoutConfiguredAnswer() throws {
        let request = S.request([S.context(1, S.studyRootFind)], extraSubItems: [.sopClassExtendedNegotiation(SOPClassExtendedNegotiation(sopClassUID: S.studyRootFind, serviceClassApplicationInformation: [1, 1, 0]))])
        let (ac, association) = try S.accepted(AssociationNegotiator.answer(request, configuration: S.configuration()))
        #expect(ac.userInformation.sopClassExtendedNegotiations.isEmpty)
        #expect(association.extendedNegotiation.isEmpty)
    }

    @Test func extendedNegotiationIsAnsweredWithConfiguredAnswer() throws {
        var configuration = S.configuration()
        configuration.extendedNegotiation[S.studyRootFind] = [1, 0, 0]
        let request = S.request([S.context(1, S.studyRootFind)], extraSubItems: [.sopClassExtendedNegotiation(SOPClassExtendedNegotiation(sopClassUID: S.studyRootFind, serviceClassApplicationInformation: [1, 1, 0]))])
        let (ac, association) = try S.accepted(AssociationNegotiator.answer(request, configuration: configuration))
        #expect(ac.userInformation.sopClassExtendedNegotiations == [SOPClassExtendedNegotiation(sopClassUID: S.studyRootFind, serviceClassApplicationInformation: [1, 0, 0])])
        #expect(association.extendedNegotiation == [S.studyRootFind: [1, 0, 0]])
    }

    @Test func extendedNegotiationIsNotAnsweredWhenNotOffered() throws {
        var configuration = S.configuration()
        configuration.extendedNegotiation[S.studyRootFind] = [1, 0, 0]
        let (ac, _) = try S.accepted(AssociationNegotiator.answer(S.request([S.context(1, S.studyRootFind)]), configuration: configuration))
        #expect(ac.userInformation.sopClassExtendedNegotiations.isEmpty)
    }

    @Test func extendedNegotiationIsNotAnsweredForSOPClassNotAccepted() throws {
        var configuration = S.configuration()
        configuration.extendedNegotiation[S.studyRootFind] = [1, 0, 0]
        let request = S.request(
            [S.context(1, S.verification), S.context(3, S.studyRootFind, [S.jpegBaseline])],
            extraSubItems: [.sopClassExtendedNegotiation(SOPClassExtendedNegotiation(sopClassUID: S.studyRootFind, serviceClassApplicationInformation: [1]))]
        )
        let (ac, _) = try S.accepted(AssociationNegotiator.answer(request, configuration: configuration))
        #expect(ac.userInformation.sopClassExtendedNegotiations.isEmpty)
    }

    @Test func commonExtendedNegotiationHasNoAnswer() throws {
        let common = SOPClassCommonExtendedNegotiation(sopClassUID: S.ctImageStorage, serviceClassUID: "1.2.840.10008.4.2")
        let request = S.request([S.context(1, S.ctImageStorage)], extraSubItems: [.sopClassCommonExtendedNegotiation(common)])
        let (ac, _) = try S.accepted(AssociationNegotiator.answer(request, configuration: S.configuration()))
        #expect(ac.userInformation.sopClassCommonExtendedNegotiations.isEmpty)
    }

    // MARK: User identity (PS3.7 D.3.3.7)

    @Test func userIdentityResponseIsSentWhenAskedFor() throws {
        let identity = UserIdentityRQ(kind: .usernameAndPasscode, positiveResponseRequested: true, primaryField: Array("alice".utf8), secondaryField: Array("s3cret".utf8))
        let request = S.request([S.context(1, S.verification)], extraSubItems: [.userIdentityRQ(identity)])
        let response = UserIdentityAC(serverResponse: [])
        let (ac, association) = try S.accepted(AssociationNegotiator.answer(request, configuration: S.configuration(), userIdentityResponse: response))
        #expect(ac.userInformation.userIdentityAC == response)
        #expect(association.userIdentity == identity)
        #expect(association.userIdentityResponse == response)
    }

    @Test func userIdentityResponseIsNotSentWhenNotAskedFor() throws {
        let identity = UserIdentityRQ(kind: .username, positiveResponseRequested: false, primaryField: Array("alice".utf8))
        let request = S.request([S.context(1, S.verification)], extraSubItems: [.userIdentityRQ(identity)])
        let (ac, association) = try S.accepted(AssociationNegotiator.answer(request, configuration: S.configuration(), userIdentityResponse: UserIdentityAC(serverResponse: [])))
        #expect(ac.userInformation.userIdentityAC == nil)
        #expect(association.userIdentity == identity)
        #expect(association.userIdentityResponse == nil)
    }

    @Test func userIdentityResponseIsNotSentWithoutOneFromTheUpperLayer() throws {
        let identity = UserIdentityRQ(kind: .jwt, positiveResponseRequested: true, primaryField: Array("eyJ".utf8))
        let request = S.request([S.context(1, S.verification)], extraSubItems: [.userIdentityRQ(identity)])
        let (ac, association) = try S.accepted(AssociationNegotiator.answer(request, configuration: S.configuration()))
        #expect(ac.userInformation.userIdentityAC == nil)
        #expect(association.userIdentityResponse == nil)
    }

    @Test func userIdentityResponseIsNotSentWhenNoIdentityWasGiven() throws {
        let (ac, _) = try S.accepted(AssociationNegotiator.answer(S.request([S.context(1, S.verification)]), configuration: S.configuration(), userIdentityResponse: UserIdentityAC(serverResponse: [1])))
        #expect(ac.userInformation.userIdentityAC == nil)
    }

    // MARK: On the wire

    @Test func acceptanceEncodesAndDecodesToItself() throws {
        let request = S.request(
            [S.context(1, S.studyRootGet), S.context(3, S.ctImageStorage, [S.explicitVRLittleEndian]), S.context(5, "1.2.3")],
            extraSubItems: [
                .asynchronousOperationsWindow(AsynchronousOperationsWindow(maximumOperationsInvoked: 0, maximumOperationsPerformed: 1)),
                .roleSelection(RoleSelection(sopClassUID: S.ctImageStorage, scuRole: false, scpRole: true)),
            ]
        )
        let (ac, _) = try S.accepted(AssociationNegotiator.answer(request, configuration: S.configuration()))
        let decoded = try Fixtures.decode(Fixtures.encode(.associateAC(ac)))
        #expect(decoded == .associateAC(ac))
    }

    @Test func rejectionEncodesToTheGoldenBytes() throws {
        let request = S.request([S.context(1, S.verification)], called: try AETitle("ANY-SCP"))
        let (rj, _) = try S.rejected(AssociationNegotiator.answer(request, configuration: S.configuration()))
        #expect(try Fixtures.encode(.associateRJ(rj)) == Fixtures.associateRJBytes)
    }

    @Test func answersDecodedGoldenRequest() throws {
        guard case let .associateRQ(request)? = try Fixtures.decode(Fixtures.associateRQBytes) else {
            Issue.record("the golden A-ASSOCIATE-RQ did not decode as one")
            return
        }
        var configuration = S.configuration()
        configuration.aeTitle = try AETitle("ANY-SCP")
        let (ac, _) = try S.accepted(AssociationNegotiator.answer(request, configuration: configuration))
        #expect(ac.presentationContexts == Fixtures.associateAC.presentationContexts)
    }
}
