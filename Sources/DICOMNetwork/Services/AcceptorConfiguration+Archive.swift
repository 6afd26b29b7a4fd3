import DICOM

extension AcceptorConfiguration {
    /// What an archive accepts from `request`: Verification, Storage Commitment Push Model and the
    /// Query/Retrieve SOP classes in `plainSyntaxes`; every storage SOP class in each proposed transfer syntax this build
    /// knows, since objects are kept as received, with the requestor allowed the SCP role for
    /// the C-STORE sub-operations of C-GET (PS3.4 C.4.3, PS3.7 D.3.3.4). Relational queries and
    /// retrieval are accepted when a Query/Retrieve SOP class's extended negotiation offers them
    /// (PS3.4 C.5, `QueryRetrieveExtendedNegotiation`).
    public static func archive(aeTitle: AETitle, answering request: AssociateRQ, plainSyntaxes: [String]) -> AcceptorConfiguration {
        let known = Set(TransferSyntax.known.map(\.uid))
        var supported: [String: AbstractSyntaxSupport] = [:]
        for context in request.presentationContexts {
            let uid = context.abstractSyntax
            if uid == WellKnownSOPClass.verification || uid == WellKnownSOPClass.storageCommitmentPushModel
                || QueryRetrieveModel(sopClassUID: uid) != nil {
                supported[uid] = AbstractSyntaxSupport(transferSyntaxes: plainSyntaxes)
            } else if uid.hasPrefix(WellKnownSOPClass.storageRoot) {
                let syntaxes = (supported[uid]?.transferSyntaxes ?? []) + context.transferSyntaxes.filter { known.contains($0) }
                supported[uid] = AbstractSyntaxSupport(transferSyntaxes: syntaxes, acceptsSCURoleOfRequestor: true, acceptsSCPRoleOfRequestor: true)
            }
        }
        var configuration = AcceptorConfiguration(aeTitle: aeTitle, abstractSyntaxes: supported)
        for offer in request.userInformation.sopClassExtendedNegotiations where QueryRetrieveModel(sopClassUID: offer.sopClassUID) != nil {
            configuration.extendedNegotiation[offer.sopClassUID] = QueryRetrieveExtendedNegotiation.answer(to: offer.serviceClassApplicationInformation)
        }
        return configuration
    }
}
