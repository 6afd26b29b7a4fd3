import DICOMNetwork
import NIOCore
import Testing

private typealias S = NegotiationSamples

@Suite("Association negotiation, requestor side (PS3.8 9.3.2–9.3.3, PS3.7 D.3.3)")
struct NegotiationRequestorTests {
    static func proposal(_ abstractSyntaxes: [String] = [S.verification, S.ctImageStorage]) -> AssociationProposal {
        AssociationProposal(
            callingAETitle: S.modality, calledAETitle: S.rampart,
            contexts: abstractSyntaxes.map { AssociationProposal.Context(abstractSyntax: $0, transferSyntaxes: [S.explicitVRLittleEndian, S.implicitVRLittleEndian]) }
        )
    }

    /// An A-ASSOCIATE-AC answering `request` with `contexts` and a plain user information item.
    static func accept(_ request: AssociateRQ, _ contexts: [PresentationContextAC], extraSubItems: [UserInformationSubItem] = []) -> AssociateAC {
        AssociateAC(
            calledAETitle: request.calledAETitle, callingAETitle: request.callingAETitle,
            presentationContexts: contexts,
            userInformation: UserInformation(subItems: [.maximumLength(32_768), .implementationClassUID("1.2.3.4.5")] + extraSubItems)
        )
    }

    // MARK: Building the request

    @Test func proposalGivesContextsOddIDsInOrder() throws {
        let request = try Self.proposal([S.verification, S.ctImageStorage, S.ctImageStorage]).request()
        #expect(request.presentationContexts.map(\.id) == [1, 3, 5])
        #expect(request.presentationContexts.map(\.abstractSyntax) == [S.verification, S.ctImageStorage, S.ctImageStorage])
        #expect(request.presentationContexts[0].transferSyntaxes == [S.explicitVRLittleEndian, S.implicitVRLittleEndian])
        #expect(request.calledAETitle == S.rampart)
        #expect(request.callingAETitle == S.modality)
        #expect(request.protocolVersion == 1)
        #expect(request.applicationContext == .dicom)
    }

    @Test func proposalSendsMaximumLengthAndImplementationOnlyByDefault() throws {
        let request = try Self.proposal().request()
        #expect(request.userInformation.subItems == [
            .maximumLength(262_144),
            .implementationClassUID("2.25.323541408573454260616335267934795940365"),
            .implementationVersionName("RAMPART_010"),
        ])
    }

    @Test func proposalSendsEveryNegotiationInItemTypeOrder() throws {
        var proposal = Self.proposal()
        proposal.maximumLength = 0
        proposal.maximumOperationsInvoked = 4
        proposal.roleSelections = [RoleSelection(sopClassUID: S.ctImageStorage, scuRole: false, scpRole: true)]
        proposal.extendedNegotiation = [SOPClassExtendedNegotiation(sopClassUID: S.studyRootFind, serviceClassApplicationInformation: [1])]
        let common = SOPClassCommonExtendedNegotiation(sopClassUID: S.ctImageStorage, serviceClassUID: "1.2.840.10008.4.2")
        proposal.commonExtendedNegotiation = [common]
        let identity = UserIdentityRQ(kind: .username, positiveResponseRequested: true, primaryField: Array("bob".utf8))
        proposal.userIdentity = identity
        let request = try proposal.request()
        #expect(request.userInformation.subItems == [
            .maximumLength(0),
            .implementationClassUID("2.25.323541408573454260616335267934795940365"),
            .asynchronousOperationsWindow(AsynchronousOperationsWindow(maximumOperationsInvoked: 4, maximumOperationsPerformed: 1)),
            .roleSelection(RoleSelection(sopClassUID: S.ctImageStorage, scuRole: false, scpRole: true)),
            .implementationVersionName("RAMPART_010"),
            .sopClassExtendedNegotiation(SOPClassExtendedNegotiation(sopClassUID: S.studyRootFind, serviceClassApplicationInformation: [1])),
            .sopClassCommonExtendedNegotiation(common),
            .userIdentityRQ(identity),
        ])
    }

    @Test func proposalOf128ContextsUsesIDsUpTo255() throws {
        let request = try Self.proposal((0..<128).map { "1.2.3.\($0)" }).request()
        #expect(request.presentationContexts.last?.id == 255)
    }

    @Test func proposalOfMoreThan128ContextsIsRefused() {
        #expect(throws: NegotiationError.tooManyPresentationContexts(129)) {
            try Self.proposal((0..<129).map { "1.2.3.\($0)" }).request()
        }
    }

    @Test func proposalWithoutContextsIsRefused() {
        #expect(throws: NegotiationError.noPresentationContexts) { try Self.proposal([]).request() }
    }

    @Test func contextWithoutTransferSyntaxIsRefused() {
        var proposal = Self.proposal()
        proposal.contexts[1].transferSyntaxes = []
        #expect(throws: NegotiationError.noTransferSyntaxes(abstractSyntax: S.ctImageStorage)) { try proposal.request() }
    }

    @Test func roleSelectionProposingNoRoleIsRefused() {
        var proposal = Self.proposal()
        proposal.roleSelections = [RoleSelection(sopClassUID: S.ctImageStorage, scuRole: false, scpRole: false)]
        #expect(throws: NegotiationError.roleSelectionProposesNoRole(sopClassUID: S.ctImageStorage)) { try proposal.request() }
    }

    @Test func implementationVersionNameLongerThan16IsRefused() {
        var proposal = Self.proposal()
        proposal.implementationVersionName = "RAMPART_VERSION_10"
        #expect(throws: NegotiationError.implementationVersionNameTooLong("RAMPART_VERSION_10")) { try proposal.request() }
    }

    // MARK: Reading the answer

    @Test func readsAcceptedAndRejectedContexts() throws {
        let request = try Self.proposal([S.verification, S.ctImageStorage, S.mrImageStorage]).request()
        let ac = Self.accept(request, [
            PresentationContextAC(id: 1, result: .acceptance, transferSyntax: S.implicitVRLittleEndian),
            PresentationContextAC(id: 3, result: .transferSyntaxesNotSupported, transferSyntax: nil),
        ])
        let association = try NegotiatedAssociation(request: request, accept: ac)
        #expect(association.acceptedContexts == [1: AcceptedPresentationContext(id: 1, abstractSyntax: S.verification, transferSyntax: S.implicitVRLittleEndian)])
        // Context 5 was left unanswered: counted as rejected with no reason, as pynetdicom does.
        #expect(association.rejectedContexts == [3: .transferSyntaxesNotSupported, 5: .noReason])
        #expect(association.requestorMaximumLength == 262_144)
        #expect(association.acceptorMaximumLength == 32_768)
        #expect(association.acceptorImplementationClassUID == "1.2.3.4.5")
        #expect(association.acceptorImplementationVersionName == nil)
        #expect(association.requestorImplementationVersionName == "RAMPART_010")
    }

    @Test func answerWithoutMaximumLengthIsReadAsUnlimited() throws {
        let request = try Self.proposal().request()
        var ac = Self.accept(request, [PresentationContextAC(id: 1, result: .acceptance, transferSyntax: S.implicitVRLittleEndian)])
        ac.userInformation.subItems = []
        #expect(try NegotiatedAssociation(request: request, accept: ac).acceptorMaximumLength == 0)
    }

    @Test func answerForUnproposedContextIsAnError() throws {
        let request = try Self.proposal().request()
        let ac = Self.accept(request, [
            PresentationContextAC(id: 1, result: .acceptance, transferSyntax: S.implicitVRLittleEndian),
            PresentationContextAC(id: 7, result: .acceptance, transferSyntax: S.implicitVRLittleEndian),
        ])
        #expect(throws: NegotiationError.unproposedContextAnswered(id: 7)) { try NegotiatedAssociation(request: request, accept: ac) }
    }

    @Test func contextAnsweredTwiceIsAnError() throws {
        let request = try Self.proposal().request()
        let ac = Self.accept(request, [
            PresentationContextAC(id: 1, result: .acceptance, transferSyntax: S.implicitVRLittleEndian),
            PresentationContextAC(id: 1, result: .noReason, transferSyntax: nil),
        ])
        #expect(throws: NegotiationError.contextAnsweredTwice(id: 1)) { try NegotiatedAssociation(request: request, accept: ac) }
    }

    @Test func acceptingUnproposedTransferSyntaxIsAnError() throws {
        let request = try Self.proposal().request()
        let ac = Self.accept(request, [PresentationContextAC(id: 3, result: .acceptance, transferSyntax: S.jpegBaseline)])
        let expected = NegotiationError.unproposedTransferSyntaxAccepted(
            id: 3, abstractSyntax: S.ctImageStorage, transferSyntax: S.jpegBaseline,
            proposed: [S.explicitVRLittleEndian, S.implicitVRLittleEndian]
        )
        #expect(throws: expected) { try NegotiatedAssociation(request: request, accept: ac) }
        #expect(expected.description == "the A-ASSOCIATE-AC accepts presentation context 3 (1.2.840.10008.5.1.4.1.1.2) with transfer syntax 1.2.840.10008.1.2.4.50, which was not proposed for it (proposed: 1.2.840.10008.1.2.1, 1.2.840.10008.1.2)")
    }

    @Test func acceptingWithoutTransferSyntaxIsAnError() throws {
        let request = try Self.proposal().request()
        let ac = Self.accept(request, [PresentationContextAC(id: 1, result: .acceptance, transferSyntax: nil)])
        #expect(throws: NegotiationError.acceptedWithoutTransferSyntax(id: 1, abstractSyntax: S.verification)) {
            try NegotiatedAssociation(request: request, accept: ac)
        }
    }

    @Test func rejectedContextsTransferSyntaxIsNotTested() throws {
        // PS3.8 Table 9-18: not significant, not tested, when the context is not accepted.
        let request = try Self.proposal().request()
        let ac = Self.accept(request, [
            PresentationContextAC(id: 1, result: .acceptance, transferSyntax: S.implicitVRLittleEndian),
            PresentationContextAC(id: 3, result: .abstractSyntaxNotSupported, transferSyntax: "9.9.9"),
        ])
        #expect(try NegotiatedAssociation(request: request, accept: ac).rejectedContexts == [3: .abstractSyntaxNotSupported])
    }

    @Test func acceptingNoContextIsAnError() throws {
        let request = try Self.proposal().request()
        let ac = Self.accept(request, [
            PresentationContextAC(id: 1, result: .userRejection, transferSyntax: nil),
            PresentationContextAC(id: 3, result: .abstractSyntaxNotSupported, transferSyntax: nil),
        ])
        let expected = NegotiationError.noContextAccepted([
            .init(id: 1, abstractSyntax: S.verification, result: .userRejection),
            .init(id: 3, abstractSyntax: S.ctImageStorage, result: .abstractSyntaxNotSupported),
        ])
        #expect(throws: expected) { try NegotiatedAssociation(request: request, accept: ac) }
        #expect(expected.description == "the peer accepted the association but none of its 2 presentation contexts: "
            + "context 1 1.2.840.10008.1.1 (user rejection); context 3 1.2.840.10008.5.1.4.1.1.2 (abstract syntax not supported)")
    }

    @Test func rolesFollowProposalAndAnswer() throws {
        var proposal = Self.proposal([S.studyRootGet, S.ctImageStorage, S.mrImageStorage])
        proposal.roleSelections = [
            RoleSelection(sopClassUID: S.ctImageStorage, scuRole: false, scpRole: true),
            RoleSelection(sopClassUID: S.mrImageStorage, scuRole: false, scpRole: true),
        ]
        let request = try proposal.request()
        let ac = Self.accept(
            request,
            [1, 3, 5].map { PresentationContextAC(id: $0, result: .acceptance, transferSyntax: S.implicitVRLittleEndian) },
            // CT: the acceptor returns 1 for the SCU role, which was not proposed, so it is ignored
            // (PS3.7 D.3.3.4). MR: no answer, so the default roles apply.
            extraSubItems: [.roleSelection(RoleSelection(sopClassUID: S.ctImageStorage, scuRole: true, scpRole: true))]
        )
        let association = try NegotiatedAssociation(request: request, accept: ac)
        let get = try #require(association.acceptedContexts[1])
        #expect(get.requestorIsSCU && !get.requestorIsSCP)
        let ct = try #require(association.acceptedContexts[3])
        #expect(!ct.requestorIsSCU && ct.requestorIsSCP)
        let mr = try #require(association.acceptedContexts[5])
        #expect(mr.requestorIsSCU && !mr.requestorIsSCP)
    }

    @Test func roleAnswerWithoutProposalIsIgnored() throws {
        let request = try Self.proposal().request()
        let ac = Self.accept(
            request, [PresentationContextAC(id: 3, result: .acceptance, transferSyntax: S.implicitVRLittleEndian)],
            extraSubItems: [.roleSelection(RoleSelection(sopClassUID: S.ctImageStorage, scuRole: false, scpRole: true))]
        )
        let context = try #require(try NegotiatedAssociation(request: request, accept: ac).acceptedContexts[3])
        #expect(context.requestorIsSCU && !context.requestorIsSCP)
    }

    @Test func windowIsSynchronousUnlessBothSidesNegotiateIt() throws {
        var proposal = Self.proposal()
        let plain = try proposal.request()
        let acWithWindow = Self.accept(
            plain, [PresentationContextAC(id: 1, result: .acceptance, transferSyntax: S.implicitVRLittleEndian)],
            extraSubItems: [.asynchronousOperationsWindow(AsynchronousOperationsWindow(maximumOperationsInvoked: 5, maximumOperationsPerformed: 5))]
        )
        let unasked = try NegotiatedAssociation(request: plain, accept: acWithWindow)
        #expect((unasked.maximumOperationsInvoked, unasked.maximumOperationsPerformed) == (1, 1))

        proposal.maximumOperationsInvoked = 0
        let asking = try proposal.request()
        let acWithout = Self.accept(asking, [PresentationContextAC(id: 1, result: .acceptance, transferSyntax: S.implicitVRLittleEndian)])
        let unanswered = try NegotiatedAssociation(request: asking, accept: acWithout)
        #expect((unanswered.maximumOperationsInvoked, unanswered.maximumOperationsPerformed) == (1, 1))
    }

    @Test func answeredWindowLargerThanProposedIsNarrowedToTheProposal() throws {
        var proposal = Self.proposal()
        proposal.maximumOperationsInvoked = 3
        proposal.maximumOperationsPerformed = 0
        let request = try proposal.request()
        let ac = Self.accept(
            request, [PresentationContextAC(id: 1, result: .acceptance, transferSyntax: S.implicitVRLittleEndian)],
            extraSubItems: [.asynchronousOperationsWindow(AsynchronousOperationsWindow(maximumOperationsInvoked: 0, maximumOperationsPerformed: 2))]
        )
        let association = try NegotiatedAssociation(request: request, accept: ac)
        #expect((association.maximumOperationsInvoked, association.maximumOperationsPerformed) == (3, 2))
    }

    @Test func extendedNegotiationAnswersCountOnlyForWhatWasOffered() throws {
        var proposal = Self.proposal([S.studyRootFind, S.ctImageStorage])
        proposal.extendedNegotiation = [SOPClassExtendedNegotiation(sopClassUID: S.studyRootFind, serviceClassApplicationInformation: [1, 1])]
        let request = try proposal.request()
        let ac = Self.accept(
            request, [PresentationContextAC(id: 1, result: .acceptance, transferSyntax: S.implicitVRLittleEndian)],
            extraSubItems: [
                .sopClassExtendedNegotiation(SOPClassExtendedNegotiation(sopClassUID: S.studyRootFind, serviceClassApplicationInformation: [1, 0])),
                .sopClassExtendedNegotiation(SOPClassExtendedNegotiation(sopClassUID: S.ctImageStorage, serviceClassApplicationInformation: [2])),
            ]
        )
        #expect(try NegotiatedAssociation(request: request, accept: ac).extendedNegotiation == [S.studyRootFind: [1, 0]])
    }

    @Test func userIdentityResponseCountsOnlyWhenAskedFor() throws {
        var proposal = Self.proposal()
        proposal.userIdentity = UserIdentityRQ(kind: .username, positiveResponseRequested: false, primaryField: Array("bob".utf8))
        let request = try proposal.request()
        let ac = Self.accept(
            request, [PresentationContextAC(id: 1, result: .acceptance, transferSyntax: S.implicitVRLittleEndian)],
            extraSubItems: [.userIdentityAC(UserIdentityAC(serverResponse: [9]))]
        )
        let association = try NegotiatedAssociation(request: request, accept: ac)
        #expect(association.userIdentity == proposal.userIdentity)
        #expect(association.userIdentityResponse == nil)
    }

    // MARK: Both sides

    @Test func bothSidesAgreeOnTheTermsAcrossTheWire() throws {
        var proposal = Self.proposal([S.studyRootGet, S.ctImageStorage, S.mrImageStorage, S.studyRootFind])
        proposal.roleSelections = [RoleSelection(sopClassUID: S.ctImageStorage, scuRole: false, scpRole: true)]
        proposal.maximumOperationsInvoked = 0
        proposal.maximumOperationsPerformed = 4
        proposal.extendedNegotiation = [SOPClassExtendedNegotiation(sopClassUID: S.studyRootFind, serviceClassApplicationInformation: [1, 1, 0])]
        proposal.userIdentity = UserIdentityRQ(kind: .usernameAndPasscode, positiveResponseRequested: true, primaryField: Array("carol".utf8), secondaryField: Array("pw".utf8))
        var configuration = S.configuration()
        configuration.maximumOperationsPerformed = 8
        configuration.maximumOperationsInvoked = 2
        configuration.extendedNegotiation[S.studyRootFind] = [1, 0, 0]

        let sent = try proposal.request()
        guard case let .associateRQ(received)? = try Fixtures.decode(Fixtures.encode(.associateRQ(sent))) else {
            Issue.record("the A-ASSOCIATE-RQ did not decode as one")
            return
        }
        #expect(received == sent)
        let (ac, acceptorView) = try S.accepted(AssociationNegotiator.answer(received, configuration: configuration, userIdentityResponse: UserIdentityAC(serverResponse: [])))
        guard case let .associateAC(answer)? = try Fixtures.decode(Fixtures.encode(.associateAC(ac))) else {
            Issue.record("the A-ASSOCIATE-AC did not decode as one")
            return
        }
        let requestorView = try NegotiatedAssociation(request: sent, accept: answer)

        #expect(requestorView == acceptorView)
        #expect(requestorView.rejectedContexts == [5: .abstractSyntaxNotSupported])
        #expect(requestorView.acceptedContexts[3]?.requestorIsSCP == true)
        #expect(requestorView.acceptedContexts[3]?.requestorIsSCU == false)
        #expect((requestorView.maximumOperationsInvoked, requestorView.maximumOperationsPerformed) == (8, 2))
        #expect(requestorView.extendedNegotiation == [S.studyRootFind: [1, 0, 0]])
        #expect(requestorView.userIdentityResponse == UserIdentityAC(serverResponse: []))
    }
}
