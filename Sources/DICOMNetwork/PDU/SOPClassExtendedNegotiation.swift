/// The SOP class extended negotiation sub-item (56H) of the user information item
/// (PS3.7 D.3.3.5). The service-class application information is defined by each service
/// class in PS3.4 and kept here as bytes.
public struct SOPClassExtendedNegotiation: Sendable, Hashable {
    public var sopClassUID: String
    public var serviceClassApplicationInformation: [UInt8]

    public init(sopClassUID: String, serviceClassApplicationInformation: [UInt8]) {
        self.sopClassUID = sopClassUID
        self.serviceClassApplicationInformation = serviceClassApplicationInformation
    }
}
