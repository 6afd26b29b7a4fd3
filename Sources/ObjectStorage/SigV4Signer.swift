#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto
import Foundation

/// AWS Signature Version 4 for requests signed in the `Authorization` header.
///
/// The steps are AWS's ("Create a signed AWS API request", and for S3 "Signature Calculations
/// for the Authorization Header"): a canonical request, a string to sign over its SHA-256, a
/// signing key derived from the secret through the date, region and service, and the
/// HMAC-SHA256 of the string to sign under that key.
///
/// The path is encoded once, as S3 wants (other AWS services encode it twice; nothing here talks
/// to them): every byte but the unreserved characters and `/` becomes `%XX`.
public struct SigV4Signer: Sendable {
    public let credentials: S3Credentials
    public let region: String
    /// `s3` for an object store; AWS's test suite uses `service`.
    public let service: String

    public init(credentials: S3Credentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// What `x-amz-content-sha256` says about the body, and what the signature covers.
    public enum Payload: Sendable, Equatable {
        /// The hex SHA-256 of the body: the signature covers the bytes (needed over plain HTTP,
        /// where nothing else protects them).
        case sha256(String)
        /// `UNSIGNED-PAYLOAD`: the body is sent without a first pass to hash it; only for HTTPS,
        /// where TLS protects the bytes.
        case unsigned

        /// The SHA-256 of an empty body.
        public static let empty = Payload.sha256("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")

        public var headerValue: String {
            switch self {
            case .sha256(let hex): hex
            case .unsigned: "UNSIGNED-PAYLOAD"
            }
        }
    }

    /// A request to sign: the method, the path as it is (not encoded), the query as name-value
    /// pairs (not encoded), and the headers to sign (must include `host`).
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var query: [(name: String, value: String)]
        public var headers: [(name: String, value: String)]

        public init(method: String, path: String, query: [(name: String, value: String)] = [], headers: [(name: String, value: String)]) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
        }
    }

    /// The headers to add to `request`: `x-amz-date`, `x-amz-content-sha256` (when
    /// `contentHeader`), `x-amz-security-token` with a session token, and `authorization`.
    /// Every header of `request` and these is signed.
    public func sign(_ request: Request, payload: Payload, at date: Date, contentHeader: Bool = true) -> [(name: String, value: String)] {
        let stamp = Self.timestamp(date)
        var added: [(name: String, value: String)] = [("x-amz-date", stamp)]
        if contentHeader { added.append(("x-amz-content-sha256", payload.headerValue)) }
        if let token = credentials.sessionToken { added.append(("x-amz-security-token", token)) }
        var signing = request
        signing.headers += added
        let canonical = Self.canonicalRequest(signing, payload: payload)
        let signature = self.signature(canonicalRequest: canonical.text, timestamp: stamp)
        let scope = credentialScope(day: String(stamp.prefix(8)))
        added.append((
            "authorization",
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(canonical.signedHeaders), Signature=\(signature)"
        ))
        return added
    }

    /// The hex signature of a canonical request made at `timestamp` (`YYYYMMDD'T'HHMMSS'Z'`).
    func signature(canonicalRequest: String, timestamp: String) -> String {
        let day = String(timestamp.prefix(8))
        let toSign = stringToSign(canonicalRequest: canonicalRequest, timestamp: timestamp)
        let key = signingKey(day: day)
        return Self.hex(HMAC<SHA256>.authenticationCode(for: Data(toSign.utf8), using: key))
    }

    func stringToSign(canonicalRequest: String, timestamp: String) -> String {
        let hash = Self.hex(SHA256.hash(data: Data(canonicalRequest.utf8)))
        return "AWS4-HMAC-SHA256\n\(timestamp)\n\(credentialScope(day: String(timestamp.prefix(8))))\n\(hash)"
    }

    func credentialScope(day: String) -> String {
        "\(day)/\(region)/\(service)/aws4_request"
    }

    /// kSecret -> kDate -> kRegion -> kService -> kSigning, each an HMAC-SHA256 of the next name.
    func signingKey(day: String) -> SymmetricKey {
        var key = SymmetricKey(data: Data(("AWS4" + credentials.secretAccessKey).utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return key
    }

    /// The canonical request and its signed-header list.
    static func canonicalRequest(_ request: Request, payload: Payload) -> (text: String, signedHeaders: String) {
        var pairs: [(name: String, value: String)] = []
        for item in request.query {
            pairs.append((uriEncode(item.name, keepSlash: false), uriEncode(item.value, keepSlash: false)))
        }
        // Sorted by encoded name, then by value (get-vanilla-query-order-key).
        pairs.sort { left, right in left.name != right.name ? left.name < right.name : left.value < right.value }
        let query = pairs.map { $0.name + "=" + $0.value }.joined(separator: "&")
        // Repeated headers are joined with commas in the order given; values are trimmed and
        // runs of spaces inside them become one.
        var headers: [String: [String]] = [:]
        for header in request.headers {
            headers[header.name.lowercased(), default: []].append(trimmed(header.value))
        }
        let names = headers.keys.sorted()
        var canonicalHeaders = ""
        for name in names { canonicalHeaders += name + ":" + headers[name]!.joined(separator: ",") + "\n" }
        let signedHeaders = names.joined(separator: ";")
        let path: String = request.path.isEmpty ? "/" : uriEncode(request.path, keepSlash: true)
        let parts: [String] = [request.method, path, query, canonicalHeaders, signedHeaders, payload.headerValue]
        let text = parts.joined(separator: "\n")
        return (text, signedHeaders)
    }

    /// URI-encodes as AWS specifies: every byte of the UTF-8 except `A-Z a-z 0-9 - . _ ~` becomes
    /// `%XX` (upper-case hex); `/` is kept in a path and encoded in a query.
    public static func uriEncode(_ string: String, keepSlash: Bool) -> String {
        var out = ""
        out.reserveCapacity(string.utf8.count)
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                out.append("/")
            default:
                let digits = Array("0123456789ABCDEF".utf8)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(Unicode.Scalar(digits[Int(byte >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(digits[Int(byte & 0xF)]))
            }
        }
        return out
    }

    private static func trimmed(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
    }

    /// `YYYYMMDD'T'HHMMSS'Z'` in UTC (gmtime_r: no shared formatter between tasks).
    static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))T\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))Z"
    }

    static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
