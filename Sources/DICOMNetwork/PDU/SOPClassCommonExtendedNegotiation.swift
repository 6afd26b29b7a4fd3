/// The SOP class common extended negotiation sub-item (57H) of the user information item
/// (PS3.7 D.3.3.6), sent by the requestor only.
public struct SOPClassCommonExtendedNegotiation: Sendable, Hashable {
    /// The sub-item version, sent in the byte after the item type; 0 in the current standard.
    public var subItemVersion: UInt8
    public var sopClassUID: String
    public var serviceClassUID: String
    /// UIDs of the general SOP classes this SOP class specializes.
    public var relatedGeneralSOPClassUIDs: [String]

    public init(subItemVersion: UInt8 = 0, sopClassUID: String, serviceClassUID: String, relatedGeneralSOPClassUIDs: [String] = []) {
        self.subItemVersion = subItemVersion
        self.sopClassUID = sopClassUID
        self.serviceClassUID = serviceClassUID
        self.relatedGeneralSOPClassUIDs = relatedGeneralSOPClassUIDs
    }
}
