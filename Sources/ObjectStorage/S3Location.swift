import Foundation

/// Where objects live: a bucket, a key prefix inside it, and how to reach the store, written as
///
///     s3://bucket/prefix?endpoint=http://127.0.0.1:9000&region=us-east-1&path-style=1
///
/// Query options: `endpoint` (default `https://s3.<region>.amazonaws.com`), `region` (default
/// `us-east-1`), `path-style` (`1`: `endpoint/bucket/key`, what MinIO, Ceph RGW and moto want;
/// default `0`: `bucket.endpoint/key`, AWS's virtual-hosted style), `sse` (`AES256` for SSE-S3,
/// `aws:kms` for SSE-KMS with `kms-key-id`), `unsigned-payload` (`1`: bodies are not hashed
/// before they are sent; HTTPS endpoints only).
public struct S3Location: Sendable, Equatable, CustomStringConvertible {
    public var bucket: String
    /// Prepended to every key, without a trailing `/` (empty for none).
    public var prefix: String
    public var endpoint: URL
    public var region: String
    public var pathStyle: Bool
    public var serverSideEncryption: ServerSideEncryption?
    public var unsignedPayload: Bool

    /// S3's server-side encryption, asked for on every write.
    public enum ServerSideEncryption: Sendable, Equatable {
        /// SSE-S3: keys managed by the store (`x-amz-server-side-encryption: AES256`).
        case s3
        /// SSE-KMS with a key id or ARN (`aws:kms`); nil for the account's default KMS key.
        case kms(keyID: String?)
    }

    public init(
        bucket: String, prefix: String = "", endpoint: URL? = nil, region: String = "us-east-1",
        pathStyle: Bool = false, serverSideEncryption: ServerSideEncryption? = nil, unsignedPayload: Bool = false
    ) {
        self.bucket = bucket
        self.prefix = prefix
        self.region = region
        self.endpoint = endpoint ?? URL(string: "https://s3.\(region).amazonaws.com")!
        self.pathStyle = pathStyle
        self.serverSideEncryption = serverSideEncryption
        self.unsignedPayload = unsignedPayload
    }

    /// Parses `s3://bucket/prefix?options` (see the type's documentation).
    public init(parsing text: String) throws(ObjectStoreError) {
        guard let components = URLComponents(string: text), components.scheme == "s3" else {
            throw .invalidLocation(text, reason: "write it as s3://bucket/prefix?endpoint=URL&region=REGION&path-style=1")
        }
        guard let bucket = components.host, Self.isValidBucketName(bucket) else {
            throw .invalidLocation(text, reason: "the bucket name must be 3 to 63 lower-case letters, digits, dots and hyphens")
        }
        var options: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard options[item.name] == nil else { throw .invalidLocation(text, reason: "option '\(item.name)' is given twice") }
            options[item.name] = item.value ?? ""
        }
        let region = options.removeValue(forKey: "region") ?? "us-east-1"
        var endpoint: URL?
        if let value = options.removeValue(forKey: "endpoint") {
            guard let url = URL(string: value), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil,
                  url.path.isEmpty || url.path == "/"
            else {
                throw .invalidLocation(text, reason: "endpoint '\(value)' is not an http:// or https:// URL with a host and no path")
            }
            endpoint = url
        }
        let pathStyle = try Self.flag(options.removeValue(forKey: "path-style"), named: "path-style", in: text)
        let unsigned = try Self.flag(options.removeValue(forKey: "unsigned-payload"), named: "unsigned-payload", in: text)
        var sse: ServerSideEncryption?
        switch options.removeValue(forKey: "sse") {
        case nil: sse = nil
        case "AES256": sse = .s3
        case "aws:kms": sse = .kms(keyID: options.removeValue(forKey: "kms-key-id"))
        case let other?: throw .invalidLocation(text, reason: "sse '\(other)' is neither AES256 (SSE-S3) nor aws:kms (SSE-KMS)")
        }
        if let unknown = options.keys.sorted().first {
            throw .invalidLocation(text, reason: "unknown option '\(unknown)' (known: endpoint, region, path-style, sse, kms-key-id, unsigned-payload)")
        }
        let prefix = components.path.split(separator: "/").joined(separator: "/")
        self.init(bucket: bucket, prefix: prefix, endpoint: endpoint, region: region, pathStyle: pathStyle, serverSideEncryption: sse, unsignedPayload: unsigned)
        if unsigned, self.endpoint.scheme != "https" {
            throw .invalidLocation(text, reason: "unsigned-payload=1 needs an https endpoint: over plain HTTP only the signature protects the bytes")
        }
    }

    public var description: String {
        var text = "s3://\(bucket)" + (prefix.isEmpty ? "" : "/\(prefix)")
        text += "?endpoint=\(endpoint.absoluteString)&region=\(region)"
        if pathStyle { text += "&path-style=1" }
        switch serverSideEncryption {
        case nil: break
        case .s3: text += "&sse=AES256"
        case .kms(let id): text += "&sse=aws:kms" + (id.map { "&kms-key-id=\($0)" } ?? "")
        }
        if unsignedPayload { text += "&unsigned-payload=1" }
        return text
    }

    /// The full object key for `key` under the prefix.
    public func objectKey(_ key: String) -> String {
        prefix.isEmpty ? key : prefix + "/" + key
    }

    /// The host (with its port when not the scheme's default) and the path of the object `key`
    /// (nil: the bucket itself), not encoded.
    func hostAndPath(objectKey key: String?) -> (host: String, path: String) {
        var host = endpoint.host!
        if let port = endpoint.port { host += ":\(port)" }
        let object = key.map { "/" + $0 } ?? "/"
        if pathStyle { return (host, "/" + bucket + (key == nil ? "" : object)) }
        return (bucket + "." + host, object)
    }

    /// S3's bucket naming rules (lower-case letters, digits, dots, hyphens; 3 to 63; starts and
    /// ends with a letter or digit).
    static func isValidBucketName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (3...63).contains(bytes.count) else { return false }
        func alnum(_ b: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) }
        return alnum(bytes.first!) && alnum(bytes.last!) && bytes.allSatisfy { alnum($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    private static func flag(_ value: String?, named name: String, in text: String) throws(ObjectStoreError) -> Bool {
        switch value {
        case nil, "0", "false": return false
        case "1", "true", "": return true
        case let other?: throw .invalidLocation(text, reason: "\(name)=\(other): use 1 or 0")
        }
    }
}
