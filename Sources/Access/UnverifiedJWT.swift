import Foundation

/// A compact JWS read without trusting anything in it yet: the header's `alg` and `kid`, and the
/// payload's `iss`, which only choose the key to check the signature with. Nothing read here
/// authenticates anyone until that check has passed.
struct UnverifiedJWT: Sendable {
    /// A DICOM user identity primary field is at most 65535 bytes; a token longer than this is
    /// no token we accept and is not parsed.
    static let maximumLength = 8192

    let algorithm: String?
    let keyID: String?
    let issuer: String?

    private struct Header: Decodable {
        var alg: String?
        var kid: String?
    }

    private struct Payload: Decodable {
        var iss: String?
    }

    /// Reads the header; with `payload`, the payload's issuer too (a payload that is not JSON is
    /// then malformed).
    init(_ token: String, payload: Bool = false) throws(TokenRejection) {
        guard token.utf8.count <= Self.maximumLength else { throw .malformed("longer than \(Self.maximumLength) bytes") }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformed("not three dot-separated parts") }
        guard let data = Self.base64URLDecoded(parts[0]), let header = try? JSONDecoder().decode(Header.self, from: data) else {
            throw .malformed("its header is not base64url JSON")
        }
        algorithm = header.alg
        keyID = header.kid
        if payload {
            guard let data = Self.base64URLDecoded(parts[1]), let body = try? JSONDecoder().decode(Payload.self, from: data) else {
                throw .malformed("its payload is not base64url JSON")
            }
            issuer = body.iss
        } else {
            issuer = nil
        }
    }

    static func base64URLDecoded(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
