/// The user identity negotiation sub-item (58H) of an A-ASSOCIATE-RQ (PS3.7 D.3.3.7.1).
///
/// The fields are kept as bytes: a passcode, a Kerberos ticket, a SAML assertion or a JSON web
/// token is opaque to the codec. They are credentials: never log them.
public struct UserIdentityRQ: Sendable, Hashable {
    /// The user-identity-type field (PS3.7 Table D.3-14).
    public enum Kind: UInt8, Sendable, Hashable, CaseIterable {
        case username = 1
        case usernameAndPasscode = 2
        case kerberos = 3
        case saml = 4
        case jwt = 5
    }

    public var kind: Kind
    /// The requestor asks for a user identity server response (59H).
    public var positiveResponseRequested: Bool
    /// The username (UTF-8), Kerberos ticket, SAML assertion or JWT.
    public var primaryField: [UInt8]
    /// The passcode for `.usernameAndPasscode`; empty otherwise.
    public var secondaryField: [UInt8]

    public init(kind: Kind, positiveResponseRequested: Bool, primaryField: [UInt8], secondaryField: [UInt8] = []) {
        self.kind = kind
        self.positiveResponseRequested = positiveResponseRequested
        self.primaryField = primaryField
        self.secondaryField = secondaryField
    }
}
