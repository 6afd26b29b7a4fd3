import Foundation
import JWTKit

/// What a Rampart access token says (RFC 7519 claims plus the user's roles when it was issued).
/// Times are whole seconds since 1970, as NumericDate is.
public struct AccessTokenClaims: JWTPayload, Equatable {
    /// Who issued it: the server's name.
    public var issuer: String
    /// The user name.
    public var subject: String
    /// Who may accept it; a token may name several (RFC 7519 4.1.3).
    public var audience: [String]
    public var issuedAt: Int64
    public var notBefore: Int64
    public var expires: Int64
    /// A unique id, so one token can be named in logs without showing the token.
    public var id: String
    /// The roles the user had at issue. The gate decides on the accounts file, not on these.
    public var roles: [String]
    /// The purpose of use the user declared when the token was issued (an HL7 PurposeOfUse code
    /// such as TREAT or ETREAT): policy rules may require one, and the emergency purpose breaks
    /// the glass. Absent when none was declared.
    public var purposeOfUse: String?

    enum CodingKeys: String, CodingKey {
        case issuer = "iss", subject = "sub", audience = "aud", issuedAt = "iat", notBefore = "nbf", expires = "exp"
        case id = "jti", roles
        case purposeOfUse = "purpose_of_use"
    }

    public init(issuer: String, subject: String, audience: [String], issuedAt: Int64, notBefore: Int64, expires: Int64,
                id: String, roles: [String], purposeOfUse: String? = nil) {
        self.issuer = issuer
        self.subject = subject
        self.audience = audience
        self.issuedAt = issuedAt
        self.notBefore = notBefore
        self.expires = expires
        self.id = id
        self.roles = roles
        self.purposeOfUse = purposeOfUse
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        issuer = try container.decode(String.self, forKey: .issuer)
        subject = try container.decode(String.self, forKey: .subject)
        // RFC 7519 4.1.3: one audience may be a plain string.
        if let single = try? container.decode(String.self, forKey: .audience) {
            audience = [single]
        } else {
            audience = try container.decode([String].self, forKey: .audience)
        }
        issuedAt = try container.decode(Int64.self, forKey: .issuedAt)
        notBefore = try container.decode(Int64.self, forKey: .notBefore)
        expires = try container.decode(Int64.self, forKey: .expires)
        id = try container.decode(String.self, forKey: .id)
        roles = try container.decodeIfPresent([String].self, forKey: .roles) ?? []
        purposeOfUse = try container.decodeIfPresent(String.self, forKey: .purposeOfUse)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(issuer, forKey: .issuer)
        try container.encode(subject, forKey: .subject)
        if audience.count == 1 {
            try container.encode(audience[0], forKey: .audience)
        } else {
            try container.encode(audience, forKey: .audience)
        }
        try container.encode(issuedAt, forKey: .issuedAt)
        try container.encode(notBefore, forKey: .notBefore)
        try container.encode(expires, forKey: .expires)
        try container.encode(id, forKey: .id)
        try container.encode(roles, forKey: .roles)
        try container.encodeIfPresent(purposeOfUse, forKey: .purposeOfUse)
    }

    /// jwt-kit calls this once the signature holds. The time and issuer checks need the
    /// verifier's clock and settings, so `TokenVerifier` makes them; here only what the claims
    /// must be whatever the clock says.
    public func verify(using algorithm: some JWTAlgorithm) async throws {
        guard notBefore <= expires, !id.isEmpty else {
            throw TokenRejection.malformed("its validity period or id is invalid")
        }
    }
}
