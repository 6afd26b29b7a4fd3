/// What went wrong talking to an object store, said so that the operator knows what to check.
public enum ObjectStoreError: Error, CustomStringConvertible, Equatable {
    case invalidLocation(String, reason: String)
    case missingCredentials
    case unreadableCredentialsFile(path: String)
    case profileNotInCredentialsFile(path: String, profile: String)
    case invalidKey(String, reason: String)
    /// InvalidAccessKeyId, SignatureDoesNotMatch: the store does not know the key or the secret
    /// does not match it.
    case wrongCredentials(accessKeyID: String, code: String)
    case accessDenied(bucket: String, key: String?, message: String)
    case noSuchBucket(String)
    case noSuchKey(bucket: String, key: String)
    /// RequestTimeTooSkewed: signatures carry the time, and this machine's clock is off.
    case clockSkewed(message: String)
    /// Any other error answer of the store (after the retries, for 5xx and 429).
    case store(status: Int, code: String?, message: String?, attempts: Int)
    /// No answer: refused, reset, timed out, name not resolved (after the retries).
    case unreachable(endpoint: String, detail: String, attempts: Int)
    case invalidResponse(String)
    /// The body ended before the length the store announced.
    case truncatedDownload(key: String, expected: Int, received: Int)
    case cannotRead(path: String, errno: Int32)
    case cannotWrite(path: String, errno: Int32)

    public var description: String {
        switch self {
        case let .invalidLocation(text, reason):
            "object store location '\(text)': \(reason)"
        case .missingCredentials:
            "no object store credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give a credentials file"
        case let .unreadableCredentialsFile(path):
            "cannot read the credentials file \(path): check that it exists and that this user may read it"
        case let .profileNotInCredentialsFile(path, profile):
            "the credentials file \(path) has no [\(profile)] section with aws_access_key_id and aws_secret_access_key"
        case let .invalidKey(key, reason):
            "object key '\(key)': \(reason)"
        case let .wrongCredentials(id, code):
            "the store refused access key \(id) (\(code)): the access key or secret is wrong"
        case let .accessDenied(bucket, key, message):
            "access denied to \(bucket)\(key.map { "/" + $0 } ?? ""): the credentials are valid but their policy does not allow this (\(message))"
        case let .noSuchBucket(bucket):
            "the bucket '\(bucket)' does not exist at this endpoint: check the bucket name and the endpoint, or create the bucket"
        case let .noSuchKey(bucket, key):
            "no object '\(key)' in bucket '\(bucket)'"
        case let .clockSkewed(message):
            "the store says this machine's clock is too far off (\(message)): synchronize the clock (NTP)"
        case let .store(status, code, message, attempts):
            "the store answered HTTP \(status)\(code.map { " \($0)" } ?? "")\(message.map { ": \($0)" } ?? "")"
                + (attempts > 1 ? " (after \(attempts) attempts)" : "")
        case let .unreachable(endpoint, detail, attempts):
            "cannot reach the object store at \(endpoint) (\(detail)) after \(attempts) attempt\(attempts == 1 ? "" : "s"): check the endpoint, the network and that the store is running"
        case let .invalidResponse(detail):
            "the object store's answer makes no sense: \(detail)"
        case let .truncatedDownload(key, expected, received):
            "the download of '\(key)' ended after \(received) of \(expected) bytes"
        case let .cannotRead(path, code):
            "cannot read \(path): \(String(cString: strerror(code)))"
        case let .cannotWrite(path, code):
            "cannot write \(path): \(String(cString: strerror(code)))"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
