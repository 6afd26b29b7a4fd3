import Access
import Foundation

/// How `rampart serve` treats a bearer token (DICOM user identity type 5): verified with the
/// data folder's key, or refused, with the reason, when the folder has none.
public enum TokenVerification: Sendable {
    case verifier(TokenVerifier)
    case refused(TokenRejection)

    /// The claims of a token that authenticates one of `users`.
    func verify(_ token: String, users: UserDirectory) async throws(TokenRejection) -> AccessTokenClaims {
        switch self {
        case let .verifier(verifier): return try await verifier.verify(token, users: users, now: Date())
        case let .refused(rejection): throw rejection
        }
    }
}
