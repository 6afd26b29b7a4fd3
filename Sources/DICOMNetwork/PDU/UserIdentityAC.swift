/// The user identity server response sub-item (59H) of an A-ASSOCIATE-AC (PS3.7 D.3.3.7.2):
/// empty for a username, a Kerberos server ticket or a SAML response otherwise.
public struct UserIdentityAC: Sendable, Hashable {
    public var serverResponse: [UInt8]

    public init(serverResponse: [UInt8]) {
        self.serverResponse = serverResponse
    }
}
