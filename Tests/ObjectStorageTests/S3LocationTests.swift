import Foundation
import Testing
@testable import ObjectStorage

@Suite struct S3LocationTests {
    @Test func parsesPathStyleLocalEndpoint() throws {
        let location = try S3Location(parsing: "s3://archive-blobs/site-a/blobs?endpoint=http://127.0.0.1:9000&region=eu-west-1&path-style=1&sse=AES256")
        #expect(location.bucket == "archive-blobs")
        #expect(location.prefix == "site-a/blobs")
        #expect(location.endpoint.absoluteString == "http://127.0.0.1:9000")
        #expect(location.region == "eu-west-1")
        #expect(location.pathStyle)
        #expect(location.serverSideEncryption == .s3)
        #expect(location.objectKey("1.2/3.4/5.6.dcm") == "site-a/blobs/1.2/3.4/5.6.dcm")
        let target = location.hostAndPath(objectKey: location.objectKey("a b"))
        #expect(target.host == "127.0.0.1:9000")
        #expect(target.path == "/archive-blobs/site-a/blobs/a b")
    }

    @Test func defaultsToAWSVirtualHostedStyle() throws {
        let location = try S3Location(parsing: "s3://archive-blobs?region=eu-central-1&sse=aws:kms&kms-key-id=alias/pacs")
        #expect(location.endpoint.absoluteString == "https://s3.eu-central-1.amazonaws.com")
        #expect(location.prefix.isEmpty)
        #expect(!location.pathStyle)
        #expect(location.serverSideEncryption == .kms(keyID: "alias/pacs"))
        let target = location.hostAndPath(objectKey: "k")
        #expect(target.host == "archive-blobs.s3.eu-central-1.amazonaws.com")
        #expect(target.path == "/k")
    }

    @Test(arguments: [
        "http://bucket/x",
        "s3://Bad_Bucket/x",
        "s3://bucket?endpoint=ftp://host",
        "s3://bucket?colour=blue",
        "s3://bucket?sse=DES",
        "s3://bucket?path-style=maybe",
        "s3://bucket?endpoint=http://127.0.0.1:9000&unsigned-payload=1",
    ])
    func refusesBadLocations(_ text: String) {
        #expect(throws: ObjectStoreError.self) { try S3Location(parsing: text) }
    }

    @Test func readsCredentialsFromEnvironmentAndFile() throws {
        let fromEnvironment = try S3Credentials.fromEnvironment(["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "SECRET"])
        #expect(fromEnvironment.accessKeyID == "AKID" && fromEnvironment.secretAccessKey == "SECRET" && fromEnvironment.sessionToken == nil)
        #expect(!fromEnvironment.description.contains("SECRET"))
        #expect(throws: ObjectStoreError.missingCredentials) { try S3Credentials.fromEnvironment([:]) }

        let path = NSTemporaryDirectory() + "rampart-credentials-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "[other]\naws_access_key_id = X\naws_secret_access_key = Y\n\n[default]\naws_access_key_id = AKID2\naws_secret_access_key = SECRET2\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let fromFile = try S3Credentials.fromFile(path)
        #expect(fromFile.accessKeyID == "AKID2" && fromFile.secretAccessKey == "SECRET2")
        #expect(try S3Credentials.fromFile(path, profile: "other").accessKeyID == "X")
        #expect(throws: ObjectStoreError.profileNotInCredentialsFile(path: path, profile: "none")) { try S3Credentials.fromFile(path, profile: "none") }
    }
}
