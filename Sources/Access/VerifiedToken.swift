/// Who a bearer token proved to be, whoever issued it.
public struct VerifiedToken: Sendable, Hashable {
    /// The user name.
    public let subject: String
    /// The roles the user acts with: its account's, for a token this server issued; the token's
    /// (mapped), for an identity provider's.
    public let roles: [String]
    /// This server's issuer name, or the identity provider's.
    public let issuer: String
    /// The purpose of use the token declares (`purpose_of_use`), if any.
    public let purposeOfUse: String?
    /// The user's DICOM person name: its account's, for a token this server issued; none for an
    /// identity provider's (no claim carries it yet).
    public let personName: String?

    public init(subject: String, roles: [String], issuer: String, purposeOfUse: String? = nil, personName: String? = nil) {
        self.subject = subject
        self.roles = roles
        self.issuer = issuer
        self.purposeOfUse = purposeOfUse
        self.personName = personName
    }
}
