import DICOMNetwork
import Testing

/// Values shared by the association negotiation tests.
enum NegotiationSamples {
    static let verification = "1.2.840.10008.1.1"
    static let ctImageStorage = "1.2.840.10008.5.1.4.1.1.2"
    static let mrImageStorage = "1.2.840.10008.5.1.4.1.1.4"
    static let studyRootFind = "1.2.840.10008.5.1.4.1.2.2.1"
    static let studyRootGet = "1.2.840.10008.5.1.4.1.2.2.3"
    static let implicitVRLittleEndian = "1.2.840.10008.1.2"
    static let explicitVRLittleEndian = "1.2.840.10008.1.2.1"
    static let jpegBaseline = "1.2.840.10008.1.2.4.50"

    static let rampart = try! AETitle("RAMPART")
    static let modality = try! AETitle("MODALITY01")

    /// Verification; CT storage (requestor may be SCP, for C-GET); study root C-FIND and C-GET.
    static func configuration() -> AcceptorConfiguration {
        AcceptorConfiguration(aeTitle: rampart, abstractSyntaxes: [
            verification: AbstractSyntaxSupport(transferSyntaxes: [implicitVRLittleEndian]),
            ctImageStorage: AbstractSyntaxSupport(transferSyntaxes: [explicitVRLittleEndian, implicitVRLittleEndian], acceptsSCPRoleOfRequestor: true),
            studyRootFind: AbstractSyntaxSupport(transferSyntaxes: [explicitVRLittleEndian, implicitVRLittleEndian]),
            studyRootGet: AbstractSyntaxSupport(transferSyntaxes: [explicitVRLittleEndian, implicitVRLittleEndian]),
        ])
    }

    static let peerUserInformation: [UserInformationSubItem] = [
        .maximumLength(16_384),
        .implementationClassUID("1.2.276.0.7230010.3.0.3.6.0"),
        .implementationVersionName("OFFIS_DCMTK_360"),
    ]

    static func request(
        _ contexts: [PresentationContextRQ],
        extraSubItems: [UserInformationSubItem] = [],
        called: AETitle = rampart,
        calling: AETitle = modality
    ) -> AssociateRQ {
        AssociateRQ(
            calledAETitle: called, callingAETitle: calling,
            presentationContexts: contexts,
            userInformation: UserInformation(subItems: peerUserInformation + extraSubItems)
        )
    }

    static func context(_ id: UInt8, _ abstractSyntax: String, _ transferSyntaxes: [String] = [implicitVRLittleEndian]) -> PresentationContextRQ {
        PresentationContextRQ(id: id, abstractSyntax: abstractSyntax, transferSyntaxes: transferSyntaxes)
    }

    struct UnexpectedOutcome: Error, CustomStringConvertible {
        var description: String
    }

    static func accepted(_ outcome: NegotiationOutcome, sourceLocation: SourceLocation = #_sourceLocation) throws -> (AssociateAC, NegotiatedAssociation) {
        switch outcome {
        case let .accept(ac, association):
            return (ac, association)
        case let .reject(_, reason):
            Issue.record("expected the association to be accepted; rejected: \(reason)", sourceLocation: sourceLocation)
            throw UnexpectedOutcome(description: "\(reason)")
        }
    }

    static func rejected(_ outcome: NegotiationOutcome, sourceLocation: SourceLocation = #_sourceLocation) throws -> (AssociateRJ, NegotiationFailure) {
        switch outcome {
        case let .reject(rj, reason):
            return (rj, reason)
        case let .accept(ac, _):
            Issue.record("expected the association to be rejected; accepted: \(ac)", sourceLocation: sourceLocation)
            throw UnexpectedOutcome(description: "accepted")
        }
    }

    /// The answer for one context ID.
    static func answer(_ id: UInt8, in ac: AssociateAC) -> PresentationContextAC? {
        ac.presentationContexts.first { $0.id == id }
    }
}
