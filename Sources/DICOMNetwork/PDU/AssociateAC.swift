/// An A-ASSOCIATE-AC PDU, type 02H (PS3.8 9.3.3, Table 9-17).
///
/// The called and calling AE title fields are reserved in this PDU: they are sent with the
/// values of the request but not tested on receipt (PS3.8 Table 9-17).
public struct AssociateAC: Sendable, Hashable {
    public var protocolVersion: UInt16
    public var calledAETitle: AETitle
    public var callingAETitle: AETitle
    public var applicationContext: ApplicationContext
    public var presentationContexts: [PresentationContextAC]
    public var userInformation: UserInformation

    public init(
        protocolVersion: UInt16 = 1,
        calledAETitle: AETitle,
        callingAETitle: AETitle,
        applicationContext: ApplicationContext = .dicom,
        presentationContexts: [PresentationContextAC],
        userInformation: UserInformation
    ) {
        self.protocolVersion = protocolVersion
        self.calledAETitle = calledAETitle
        self.callingAETitle = callingAETitle
        self.applicationContext = applicationContext
        self.presentationContexts = presentationContexts
        self.userInformation = userInformation
    }
}
