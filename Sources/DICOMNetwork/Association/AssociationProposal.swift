import DICOM

/// Requestor side: what an SCU proposes when it opens an association (PS3.8 9.3.2,
/// PS3.7 Annex D.3.3), turned into an A-ASSOCIATE-RQ by `request()`.
public struct AssociationProposal: Sendable, Hashable {
    /// One abstract syntax proposed with the transfer syntaxes the SCU can use for it, in its
    /// order of preference.
    public struct Context: Sendable, Hashable {
        public var abstractSyntax: String
        public var transferSyntaxes: [String]

        public init(abstractSyntax: String, transferSyntaxes: [String]) {
            self.abstractSyntax = abstractSyntax
            self.transferSyntaxes = transferSyntaxes
        }
    }

    public var callingAETitle: AETitle
    public var calledAETitle: AETitle
    /// Each becomes one presentation context, with odd IDs 1, 3, 5… in this order; at most 128
    /// (PS3.8 9.3.2.2). The same abstract syntax may appear more than once, say to offer a
    /// compressed and an uncompressed transfer syntax separately.
    public var contexts: [Context]
    /// The largest P-DATA-TF variable field this side receives (PS3.8 D.1); 0 = unlimited.
    public var maximumLength: UInt32
    /// SCP/SCU role selection items (PS3.7 D.3.3.4), e.g. for C-GET the storage SOP classes
    /// with `scpRole` true.
    public var roleSelections: [RoleSelection]
    /// SOP class extended negotiation items (PS3.7 D.3.3.5).
    public var extendedNegotiation: [SOPClassExtendedNegotiation]
    /// SOP class common extended negotiation items (PS3.7 D.3.3.6).
    public var commonExtendedNegotiation: [SOPClassCommonExtendedNegotiation]
    /// User identity negotiation (PS3.7 D.3.3.7).
    public var userIdentity: UserIdentityRQ?
    /// How many operations this side may leave outstanding (PS3.7 D.3.3.3); 0 = unlimited.
    /// When this or `maximumOperationsPerformed` is not 1, a 53H item is sent.
    public var maximumOperationsInvoked: UInt16
    /// How many operations (such as C-GET's C-STORE sub-operations) this side performs at once.
    public var maximumOperationsPerformed: UInt16
    /// Sent in the implementation class UID sub-item (PS3.7 D.3.3.2).
    public var implementationClassUID: String
    /// Sent in the implementation version name sub-item, 1–16 characters; empty sends none.
    public var implementationVersionName: String

    public init(callingAETitle: AETitle, calledAETitle: AETitle, contexts: [Context]) {
        self.callingAETitle = callingAETitle
        self.calledAETitle = calledAETitle
        self.contexts = contexts
        self.maximumLength = 262_144
        self.roleSelections = []
        self.extendedNegotiation = []
        self.commonExtendedNegotiation = []
        self.userIdentity = nil
        self.maximumOperationsInvoked = 1
        self.maximumOperationsPerformed = 1
        self.implementationClassUID = DICOMFile.implementationClassUID
        self.implementationVersionName = DICOMFile.implementationVersionName
    }

    /// The largest number of presentation contexts: the odd IDs 1–255 (PS3.8 9.3.2.2).
    public static let maximumContexts = 128

    /// The A-ASSOCIATE-RQ for this proposal.
    public func request() throws(NegotiationError) -> AssociateRQ {
        guard !contexts.isEmpty else { throw .noPresentationContexts }
        guard contexts.count <= Self.maximumContexts else { throw .tooManyPresentationContexts(contexts.count) }
        if let empty = contexts.first(where: { $0.transferSyntaxes.isEmpty }) {
            throw .noTransferSyntaxes(abstractSyntax: empty.abstractSyntax)
        }
        if let noRole = roleSelections.first(where: { !$0.scuRole && !$0.scpRole }) {
            throw .roleSelectionProposesNoRole(sopClassUID: noRole.sopClassUID)
        }
        guard implementationVersionName.utf8.count <= 16 else {
            throw .implementationVersionNameTooLong(implementationVersionName)
        }

        let presentationContexts = contexts.enumerated().map { index, context in
            PresentationContextRQ(id: UInt8(2 * index + 1), abstractSyntax: context.abstractSyntax, transferSyntaxes: context.transferSyntaxes)
        }

        // Sub-items in item-type order (PS3.7 D.3.3); optional ones only when they say more
        // than the default.
        var items: [UserInformationSubItem] = [
            .maximumLength(maximumLength),
            .implementationClassUID(implementationClassUID),
        ]
        if maximumOperationsInvoked != 1 || maximumOperationsPerformed != 1 {
            items.append(.asynchronousOperationsWindow(AsynchronousOperationsWindow(
                maximumOperationsInvoked: maximumOperationsInvoked,
                maximumOperationsPerformed: maximumOperationsPerformed
            )))
        }
        items += roleSelections.map(UserInformationSubItem.roleSelection)
        if !implementationVersionName.isEmpty {
            items.append(.implementationVersionName(implementationVersionName))
        }
        items += extendedNegotiation.map(UserInformationSubItem.sopClassExtendedNegotiation)
        items += commonExtendedNegotiation.map(UserInformationSubItem.sopClassCommonExtendedNegotiation)
        if let userIdentity {
            items.append(.userIdentityRQ(userIdentity))
        }

        return AssociateRQ(
            protocolVersion: 1,
            calledAETitle: calledAETitle,
            callingAETitle: callingAETitle,
            applicationContext: .dicom,
            presentationContexts: presentationContexts,
            userInformation: UserInformation(subItems: items)
        )
    }
}
