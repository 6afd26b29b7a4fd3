#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1

/// Objects in a bucket of an S3-compatible store (AWS S3, MinIO, Ceph RGW), under the location's
/// prefix: put from a file (one PUT, or a multipart upload above `partSize`), get into a file or
/// as a stream, head, delete, list. Bodies are streamed both ways; no object is held whole in
/// memory. Every request is signed (Signature V4) and retried with backoff on 5xx, 429 and
/// connection failures.
///
/// Keys are the caller's (as `BlobKey.relativePath` makes them); the location's prefix is added
/// here and removed from listed keys.
///
/// The archive's `ObjectStoreBlobStore` builds on it: an upload is a stage and commit in one (an
/// object becomes visible only whole, and an aborted multipart upload leaves nothing visible);
/// a read is `get(_:toFile:)` into its local cache; a removal is `delete`; the sweep for
/// unindexed objects is `list`.
public struct S3ObjectStore: Sendable {
    public let location: S3Location
    public let partSize: Int
    public let retry: RetryPolicy
    let signer: SigV4Signer
    let client: HTTPClient

    /// S3 refuses parts under 5 MiB (but the last).
    public static let minimumPartSize = 5 << 20
    /// S3 allows at most 10,000 parts per upload.
    static let maximumParts = 10_000

    /// `client` must not follow redirects (a redirected request would carry a signature for
    /// another host); `makeClient()` makes one that does not.
    public init(
        location: S3Location, credentials: S3Credentials, client: HTTPClient,
        partSize: Int = 16 << 20, retry: RetryPolicy = RetryPolicy()
    ) throws(ObjectStoreError) {
        guard partSize >= Self.minimumPartSize else {
            throw .invalidLocation(location.description, reason: "part size \(partSize) is below S3's minimum of 5 MiB")
        }
        self.location = location
        self.partSize = partSize
        self.retry = retry
        self.signer = SigV4Signer(credentials: credentials, region: location.region)
        self.client = client
    }

    /// An HTTP client for object stores: no redirects; a connect timeout of 5 s (the client keeps
    /// trying to connect until then, and each of the retries waits that long again for a store
    /// that is down). The caller shuts it down (`client.shutdown()`) when done.
    public static func makeClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(120))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    // MARK: Objects

    /// Stores the file at `path` as `key`: one PUT up to `partSize`, a multipart upload above
    /// (aborted if any step fails, so no parts are left to pay for).
    @discardableResult
    public func put(file path: String, key: String) async throws(ObjectStoreError) -> ObjectInfo {
        let size = try FileRegion.size(of: path)
        let objectKey = try checkedKey(key)
        if size <= partSize {
            let response = try await send(.PUT, key: objectKey, headers: encryptionHeaders, body: .file(FileRegion(path: path, offset: 0, length: size)))
            return ObjectInfo(key: key, size: size, etag: response.headers.first(name: "etag") ?? "")
        }
        return try await putMultipart(file: path, size: size, key: key, objectKey: objectKey)
    }

    /// Stores a small object held in memory (a probe, a manifest).
    @discardableResult
    public func put(bytes: [UInt8], key: String) async throws(ObjectStoreError) -> ObjectInfo {
        let response = try await send(.PUT, key: try checkedKey(key), headers: encryptionHeaders, body: .bytes(bytes))
        return ObjectInfo(key: key, size: bytes.count, etag: response.headers.first(name: "etag") ?? "")
    }

    /// Writes the object `key` to a new file at `path` (mode 0600, fsynced), streamed. A
    /// download that breaks off is started again (within the retry policy's attempts); a failed
    /// download leaves no file.
    @discardableResult
    public func get(_ key: String, toFile path: String) async throws(ObjectStoreError) -> ObjectInfo {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await download(key, toFile: path)
            } catch .truncatedDownload where attempt < retry.maxAttempts && !Task.isCancelled {
                try? await Task.sleep(for: retry.delay(after: attempt))
            }
        }
    }

    private func download(_ key: String, toFile path: String) async throws(ObjectStoreError) -> ObjectInfo {
        let body = try await stream(key)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .cannotWrite(path: path, errno: errno) }
        var done = false
        defer {
            close(fd)
            if !done { unlink(path) }
        }
        var received = 0
        do {
            for try await chunk in body {
                try Self.writeAll(chunk, to: fd, path: path)
                received += chunk.readableBytes
            }
        } catch let error as ObjectStoreError {
            throw error
        } catch {
            // The connection broke off mid-body: what arrived is short of the length announced.
        }
        guard received == body.info.size else { throw .truncatedDownload(key: key, expected: body.info.size, received: received) }
        guard fsync(fd) == 0 else { throw .cannotWrite(path: path, errno: errno) }
        done = true
        return body.info
    }

    /// The object `key` as a stream of byte buffers, for a caller that forwards it (a WADO
    /// response) without a file in between. The stream cannot be retried halfway; a caller that
    /// needs the whole object reliably uses `get(_:toFile:)`.
    public func stream(_ key: String) async throws(ObjectStoreError) -> ObjectStream {
        let response = try await send(.GET, key: try checkedKey(key))
        guard let length = response.headers.first(name: "content-length").flatMap(Int.init) else {
            throw .invalidResponse("GET of '\(key)' has no Content-Length")
        }
        let info = ObjectInfo(key: key, size: length, etag: response.headers.first(name: "etag") ?? "")
        return ObjectStream(info: info, body: response.body)
    }

    /// The object's size and ETag; nil when there is no such object.
    public func head(_ key: String) async throws(ObjectStoreError) -> ObjectInfo? {
        let objectKey = try checkedKey(key)
        do {
            let response = try await send(.HEAD, key: objectKey)
            let size = response.headers.first(name: "content-length").flatMap(Int.init) ?? 0
            return ObjectInfo(key: key, size: size, etag: response.headers.first(name: "etag") ?? "")
        } catch .noSuchKey {
            return nil
        }
    }

    /// Removes the object `key`; a missing object is not an error (S3 answers 204 alike).
    public func delete(_ key: String) async throws(ObjectStoreError) {
        _ = try await send(.DELETE, key: try checkedKey(key))
    }

    /// One page (up to `maxKeys`, at most 1,000 objects) of the keys under `prefix` (inside the
    /// location's prefix), in key order (ListObjectsV2). Pass the page's `continuationToken` to
    /// get the next.
    public func listPage(prefix: String = "", continuationToken: String? = nil, maxKeys: Int? = nil) async throws(ObjectStoreError) -> ObjectListing {
        var query: [(name: String, value: String)] = [("list-type", "2"), ("prefix", location.objectKey(prefix))]
        if let continuationToken { query.append(("continuation-token", continuationToken)) }
        if let maxKeys { query.append(("max-keys", String(maxKeys))) }
        let response = try await send(.GET, key: nil, query: query)
        let xml = try await Self.xml(response, doing: "ListObjectsV2")
        let strip = location.prefix.isEmpty ? 0 : location.prefix.count + 1
        let objects = xml.all("Contents").map { entry in
            ObjectInfo(
                key: String((entry.value("Key") ?? "").dropFirst(strip)),
                size: Int(entry.value("Size") ?? "") ?? 0,
                etag: entry.value("ETag") ?? "",
                lastModified: entry.value("LastModified").flatMap(Self.parseTimestamp)
            )
        }
        let truncated = xml.value("IsTruncated") == "true"
        return ObjectListing(objects: objects, continuationToken: truncated ? xml.value("NextContinuationToken") : nil)
    }

    /// An ISO 8601 time as ListObjectsV2 writes it, with or without fractional seconds.
    static func parseTimestamp(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// Every object under `prefix`, page after page.
    public func list(prefix: String = "") -> ObjectList {
        ObjectList(store: self, prefix: prefix)
    }

    // MARK: Multipart upload

    private func putMultipart(file path: String, size: Int, key: String, objectKey: String) async throws(ObjectStoreError) -> ObjectInfo {
        let parts = (size + partSize - 1) / partSize
        guard parts <= Self.maximumParts else {
            throw .invalidKey(key, reason: "\(size) bytes in parts of \(partSize) would make \(parts) parts, more than S3's 10,000: use a larger part size")
        }
        let created = try await send(.POST, key: objectKey, query: [("uploads", "")], headers: encryptionHeaders)
        guard let uploadID = try await Self.xml(created, doing: "CreateMultipartUpload").value("UploadId"), !uploadID.isEmpty else {
            throw .invalidResponse("CreateMultipartUpload for '\(key)' returned no UploadId")
        }
        do throws(ObjectStoreError) {
            var etags: [String] = []
            for index in 0..<parts {
                let offset = index * partSize
                let region = FileRegion(path: path, offset: offset, length: min(partSize, size - offset))
                let response = try await send(.PUT, key: objectKey, query: [("partNumber", "\(index + 1)"), ("uploadId", uploadID)], body: .file(region))
                guard let etag = response.headers.first(name: "etag") else {
                    throw .invalidResponse("part \(index + 1) of '\(key)' was stored without an ETag")
                }
                etags.append(etag)
            }
            var document = "<CompleteMultipartUpload>"
            for (index, etag) in etags.enumerated() {
                document += "<Part><PartNumber>\(index + 1)</PartNumber><ETag>\(Self.escapeXML(etag))</ETag></Part>"
            }
            document += "</CompleteMultipartUpload>"
            let completed = try await send(.POST, key: objectKey, query: [("uploadId", uploadID)], body: .bytes(Array(document.utf8)))
            // CompleteMultipartUpload can answer 200 and still fail: the error is in the body.
            let answer = try await Self.xml(completed, doing: "CompleteMultipartUpload")
            if answer.name == "Error" {
                throw Self.error(status: 200, code: answer.value("Code"), message: answer.value("Message"), bucket: location.bucket, key: key, accessKeyID: signer.credentials.accessKeyID, attempts: 1)
            }
            return ObjectInfo(key: key, size: size, etag: answer.value("ETag") ?? "")
        } catch {
            // Best effort: an upload left open keeps its parts (and their cost) until aborted.
            _ = try? await send(.DELETE, key: objectKey, query: [("uploadId", uploadID)])
            throw error
        }
    }

    // MARK: Requests

    enum Body: Sendable {
        case empty
        case bytes([UInt8])
        case file(FileRegion)
    }

    /// `x-amz-server-side-encryption` (and the KMS key id) for writes, from the location.
    var encryptionHeaders: [(name: String, value: String)] {
        switch location.serverSideEncryption {
        case nil: []
        case .s3: [("x-amz-server-side-encryption", "AES256")]
        case .kms(let id):
            [("x-amz-server-side-encryption", "aws:kms")] + (id.map { [("x-amz-server-side-encryption-aws-kms-key-id", $0)] } ?? [])
        }
    }

    /// Sends a signed request, retrying 5xx, 429 and connection failures with backoff; returns
    /// a 2xx answer (its body not read yet) or throws the store's error.
    func send(
        _ method: HTTPMethod, key: String?, query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [], body: Body = .empty
    ) async throws(ObjectStoreError) -> HTTPClientResponse {
        let payload: SigV4Signer.Payload
        switch body {
        case .empty: payload = .empty
        case .bytes(let bytes): payload = .sha256(SigV4Signer.hex(SHA256.hash(data: bytes)))
        case .file(let region): payload = location.unsignedPayload ? .unsigned : .sha256(try region.sha256())
        }
        let (host, path) = location.hostAndPath(objectKey: key)
        var url = location.endpoint.scheme! + "://" + host + SigV4Signer.uriEncode(path, keepSlash: true)
        if !query.isEmpty {
            url += "?" + query.map { SigV4Signer.uriEncode($0.name, keepSlash: false) + "=" + SigV4Signer.uriEncode($0.value, keepSlash: false) }.joined(separator: "&")
        }
        var attempt = 0
        while true {
            attempt += 1
            var request = HTTPClientRequest(url: url)
            request.method = method
            let unsigned = [("host", host)] + headers
            let signed = signer.sign(.init(method: method.rawValue, path: path, query: query, headers: unsigned), payload: payload, at: Date())
            for header in unsigned + signed { request.headers.replaceOrAdd(name: header.name, value: header.value) }
            switch body {
            case .empty: break
            case .bytes(let bytes): request.body = .bytes(bytes)
            case .file(let region): request.body = .stream(region, length: .known(Int64(region.length)))
            }
            let response: HTTPClientResponse
            do {
                response = try await client.execute(request, timeout: .seconds(600))
            } catch let error as ObjectStoreError {
                throw error
            } catch {
                guard attempt < retry.maxAttempts, !Task.isCancelled else {
                    throw .unreachable(endpoint: location.endpoint.absoluteString, detail: "\(error)", attempts: attempt)
                }
                try? await Task.sleep(for: retry.delay(after: attempt))
                continue
            }
            let status = Int(response.status.code)
            if (200..<300).contains(status) { return response }
            let errorBody = (try? await response.body.collect(upTo: 64 << 10)).map { Array($0.readableBytesView) } ?? []
            // A cancelled caller (a client that went away) gets the answer as it is, not retries.
            if (status >= 500 || status == 429), attempt < retry.maxAttempts, !Task.isCancelled {
                try? await Task.sleep(for: retry.delay(after: attempt))
                continue
            }
            let xml = XMLElementTree.parse(errorBody)
            throw Self.error(
                status: status, code: xml?.value("Code"), message: xml?.value("Message"),
                bucket: location.bucket, key: key, accessKeyID: signer.credentials.accessKeyID, attempts: attempt
            )
        }
    }

    /// The typed error for an S3 error answer (`code` from its XML body; HEAD answers have none).
    static func error(status: Int, code: String?, message: String?, bucket: String, key: String?, accessKeyID: String, attempts: Int) -> ObjectStoreError {
        switch code {
        case "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken":
            return .wrongCredentials(accessKeyID: accessKeyID, code: code!)
        case "NoSuchBucket":
            return .noSuchBucket(bucket)
        case "NoSuchKey":
            return .noSuchKey(bucket: bucket, key: key ?? "")
        case "AccessDenied", "AllAccessDisabled":
            return .accessDenied(bucket: bucket, key: key, message: message ?? code!)
        case "RequestTimeTooSkewed":
            return .clockSkewed(message: message ?? code!)
        case nil where status == 404:
            return key == nil ? .noSuchBucket(bucket) : .noSuchKey(bucket: bucket, key: key!)
        case nil where status == 403:
            return .accessDenied(bucket: bucket, key: key, message: "a HEAD answer carries no reason: the access key or secret may be wrong, or the policy denies it")
        default:
            return .store(status: status, code: code, message: message, attempts: attempts)
        }
    }

    /// The XML body of a successful answer.
    static func xml(_ response: HTTPClientResponse, doing operation: String) async throws(ObjectStoreError) -> XMLElementTree {
        let bytes: ByteBuffer
        do {
            bytes = try await response.body.collect(upTo: 16 << 20)
        } catch {
            throw .invalidResponse("\(operation): the answer's body could not be read (\(error))")
        }
        guard let tree = XMLElementTree.parse(Array(bytes.readableBytesView)) else {
            throw .invalidResponse("\(operation): the answer is not XML")
        }
        return tree
    }

    /// The location's key for `key`, checked against S3's limits.
    func checkedKey(_ key: String) throws(ObjectStoreError) -> String {
        let full = location.objectKey(key)
        guard !key.isEmpty else { throw .invalidKey(key, reason: "a key cannot be empty") }
        guard full.utf8.count <= 1024 else { throw .invalidKey(key, reason: "with the prefix it is longer than S3's 1,024 bytes") }
        guard !key.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw .invalidKey(key, reason: "it contains a control character")
        }
        return full
    }

    private static func writeAll(_ chunk: ByteBuffer, to fd: Int32, path: String) throws(ObjectStoreError) {
        var written = 0
        let count = chunk.readableBytes
        while written < count {
            let n = chunk.withUnsafeReadableBytes { write(fd, $0.baseAddress! + written, count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .cannotWrite(path: path, errno: errno)
            }
            written += n
        }
    }

    private static func escapeXML(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
