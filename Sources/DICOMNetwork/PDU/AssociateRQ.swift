/// An A-ASSOCIATE-RQ PDU, type 01H (PS3.8 9.3.2, Table 9-11).
public struct AssociateRQ: Sendable, Hashable {
    /// Bit 0 set means version 1, the only one defined (PS3.8 Table 9-11).
    public var protocolVersion: UInt16
    public var calledAETitle: AETitle
    public var callingAETitle: AETitle
    public var applicationContext: ApplicationContext
    public var presentationContexts: [PresentationContextRQ]
    public var userInformation: UserInformation

    public init(
        protocolVersion: UInt16 = 1,
        calledAETitle: AETitle,
        callingAETitle: AETitle,
        applicationContext: ApplicationContext = .dicom,
        presentationContexts: [PresentationContextRQ],
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
