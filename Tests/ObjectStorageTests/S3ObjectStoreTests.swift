import AsyncHTTPClient
import Foundation
import Testing
@testable import ObjectStorage

/// The store's parts that need no server: error mapping, S3's XML, the encryption headers, the
/// backoff. Requests against a real S3 API are in Tests/interop/test_object_store.py (moto).
@Suite struct S3ObjectStoreTests {
    /// S3's XML error bodies become errors that say what to check.
    @Test func mapsS3ErrorsToWhatToCheck() throws {
        let body = Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message></Error>".utf8)
        let xml = try #require(XMLElementTree.parse(body))
        let error = S3ObjectStore.error(status: 403, code: xml.value("Code"), message: xml.value("Message"), bucket: "b", key: "k", accessKeyID: "AKID", attempts: 1)
        #expect(error == .wrongCredentials(accessKeyID: "AKID", code: "SignatureDoesNotMatch"))
        #expect(error.description.contains("the access key or secret is wrong"))
        #expect(S3ObjectStore.error(status: 404, code: "NoSuchBucket", message: nil, bucket: "b", key: nil, accessKeyID: "A", attempts: 1).description.contains("'b'"))
        #expect(S3ObjectStore.error(status: 404, code: nil, message: nil, bucket: "b", key: "k", accessKeyID: "A", attempts: 1) == .noSuchKey(bucket: "b", key: "k"))
        #expect(S3ObjectStore.error(status: 503, code: "SlowDown", message: "Reduce your request rate", bucket: "b", key: "k", accessKeyID: "A", attempts: 4)
            == .store(status: 503, code: "SlowDown", message: "Reduce your request rate", attempts: 4))
    }

    @Test func parsesListingPages() throws {
        let body = Array("""
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>p/</Prefix><KeyCount>2</KeyCount>
            <IsTruncated>true</IsTruncated><NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
            <Contents><Key>p/a&amp;b</Key><Size>10</Size><ETag>&quot;x&quot;</ETag></Contents><Contents><Key>p/c</Key><Size>0</Size></Contents>
            </ListBucketResult>
            """.utf8)
        let xml = try #require(XMLElementTree.parse(body))
        #expect(xml.all("Contents").compactMap { $0.value("Key") } == ["p/a&b", "p/c"])
        #expect(xml.value("NextContinuationToken") == "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")
        #expect(xml.all("Contents").first?.value("ETag") == "\"x\"")
    }

    /// What the archive's sweep compares with its grace period: AWS writes milliseconds, some
    /// stores whole seconds.
    @Test func readsListingTimesWithAndWithoutFractions() throws {
        let withFraction = try #require(S3ObjectStore.parseTimestamp("2026-11-25T02:31:26.250Z"))
        let whole = try #require(S3ObjectStore.parseTimestamp("2026-11-25T02:31:26Z"))
        #expect(abs(withFraction.timeIntervalSince(whole) - 0.25) < 0.001)
        #expect(whole == Date(timeIntervalSince1970: 1_795_573_886))
        #expect(S3ObjectStore.parseTimestamp("yesterday") == nil)
    }

    @Test func asksForServerSideEncryptionAsConfigured() throws {
        func headers(_ text: String) throws -> [String] {
            let store = try S3ObjectStore(location: try S3Location(parsing: text), credentials: S3Credentials(accessKeyID: "A", secretAccessKey: "S"), client: .shared)
            return store.encryptionHeaders.map { "\($0.name): \($0.value)" }
        }
        #expect(try headers("s3://bucket") == [])
        #expect(try headers("s3://bucket?sse=AES256") == ["x-amz-server-side-encryption: AES256"])
        #expect(try headers("s3://bucket?sse=aws:kms&kms-key-id=arn:aws:kms:eu-west-1:111122223333:key/k1")
            == ["x-amz-server-side-encryption: aws:kms", "x-amz-server-side-encryption-aws-kms-key-id: arn:aws:kms:eu-west-1:111122223333:key/k1"])
        #expect(try headers("s3://bucket?sse=aws:kms") == ["x-amz-server-side-encryption: aws:kms"])
    }

    @Test func backoffStaysUnderItsCeiling() {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(100), maxDelay: .milliseconds(400))
        for attempt in 1...6 {
            let ceiling = min(400, 100 << (attempt - 1))
            for _ in 0..<50 { #expect(policy.delay(after: attempt) <= .milliseconds(ceiling)) }
        }
    }
}
