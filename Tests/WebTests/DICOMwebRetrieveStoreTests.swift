import Access
import DICOM
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
@testable import Web

private typealias Tag = DICOM.Tag

/// STOW-RS then WADO-RS through the router, over a real archive and the built-in policy.
@Suite struct DICOMwebRetrieveStoreTests {
    private static let series = "1.2.826.0.1.3680043.10.1.1"
    private static let first = WebFixture.Instance(sop: "1.2.826.0.1.3680043.10.1.1.1")
    private static let second = WebFixture.Instance(sop: "1.2.826.0.1.3680043.10.1.1.2", syntax: .implicitVRLittleEndian)
    /// Video, which Rampart stores but has no decoder for: it goes only as stored.
    private static let video = TransferSyntax(uid: "1.2.840.10008.1.2.4.102")
    private static let compressed = WebFixture.Instance(sop: "1.2.826.0.1.3680043.10.1.1.3", syntax: video)
    private static let anything = "multipart/related; type=\"application/dicom\"; transfer-syntax=*"

    private func withTwoStored(_ body: @escaping @Sendable (any TestClientProtocol, WebFixture) async throws -> Void) async throws {
        let fixture = try WebFixture()
        defer { fixture.remove() }
        try await fixture.test { client in
            let stored = try await WebFixture.stow(client, [try WebFixture.part10(Self.first), try WebFixture.part10(Self.second)])
            #expect(stored.status == .ok)
            try await body(client, fixture)
        }
    }

    private static func get(_ client: any TestClientProtocol, _ path: String, role: String = "radiologist",
                            accept: String? = nil) async throws -> TestResponse {
        var headers = WebFixture.bearer(role)
        if let accept { headers[.accept] = accept }
        return try await client.execute(uri: "/dicomweb/studies/" + path, method: .get, headers: headers, body: nil)
    }

    @Test func storesInstancesAndListsThemInTheResponse() async throws {
        let fixture = try WebFixture()
        defer { fixture.remove() }
        try await fixture.test { client in
            let response = try await WebFixture.stow(client, [try WebFixture.part10(Self.first), try WebFixture.part10(Self.second)])
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/dicom+json")
            let object: [String: Any]? = try #require(try WebFixture.json(response) as? [String: Any])
            let referenced = try #require((object?["00081199"] as? [String: Any])?["Value"] as? [[String: Any]])
            let uids = referenced.compactMap { (($0["00081155"] as? [String: Any])?["Value"] as? [String])?.first }
            #expect(uids == [Self.first.sop, Self.second.sop])
            let url = ((referenced.first?["00081190"] as? [String: Any])?["Value"] as? [String])?.first
            #expect(url == "/dicomweb/studies/\(WebFixture.study)/series/\(Self.series)/instances/\(Self.first.sop)")
            #expect(object?["00081198"] == nil)
            #expect(fixture.spooled.isEmpty)
        }
    }

    @Test func retrievesAStudySeriesAndInstanceAsMultipartPart10() async throws {
        try await withTwoStored { client, fixture in
            for path in [WebFixture.study, "\(WebFixture.study)/series/\(Self.series)"] {
                let response = try await Self.get(client, path, accept: Self.anything)
                #expect(response.status == .ok)
                let parts = try WebFixture.parts(of: response)
                #expect(parts.map(\.contentType) == ["application/dicom; transfer-syntax=1.2.840.10008.1.2.1",
                                                      "application/dicom; transfer-syntax=1.2.840.10008.1.2"])
                let files = try parts.map { try DICOMFile(bytes: $0.bytes) }
                #expect(files.map { $0.dataSet.string(Tag(0x0008, 0x0018)) } == [Self.first.sop, Self.second.sop])
                #expect(files.map { $0.dataSet[Tag(0x7FE0, 0x0010)]?.inlineBytes?.count } == [4096, 4096])
            }
            let one = try await Self.get(client, "\(WebFixture.study)/series/\(Self.series)/instances/\(Self.second.sop)", accept: Self.anything)
            #expect(try WebFixture.parts(of: one).count == 1)
            #expect(fixture.disclosures.recorded.count == 3)
            #expect(fixture.disclosures.recorded.allSatisfy { $0.kind == .instances && $0.items.allSatisfy { $0.patientID == "PAT1" } })
        }
    }

    @Test func sendsExplicitVRLittleEndianWhenNoTransferSyntaxIsAsked() async throws {
        try await withTwoStored { client, _ in
            for accept in [nil, "multipart/related; type=\"application/dicom\"", "*/*"] {
                let response = try await Self.get(client, "\(WebFixture.study)/series/\(Self.series)/instances/\(Self.second.sop)", accept: accept)
                #expect(response.status == .ok)
                let parts = try WebFixture.parts(of: response)
                #expect(parts.map(\.contentType) == ["application/dicom; transfer-syntax=1.2.840.10008.1.2.1"])
                let file = try DICOMFile(bytes: try #require(parts.first).bytes)
                #expect(file.transferSyntax.uid == TransferSyntax.explicitVRLittleEndian.uid)
                #expect(file.dataSet.string(Tag(0x0010, 0x1000)) == "OTHER-ID-7")
                #expect(file.dataSet[Tag(0x7FE0, 0x0010)]?.inlineBytes == (0..<4096).map { UInt8(truncatingIfNeeded: $0) })
            }
        }
    }

    @Test func sendsAnObjectRampartCannotDecodeOnlyToWhoAcceptsItsSyntax() async throws {
        let fixture = try WebFixture()
        defer { fixture.remove() }
        try await fixture.test { client in
            #expect(try await WebFixture.stow(client, [try WebFixture.part10(Self.compressed)]).status == .ok)
            let path = "\(WebFixture.study)/series/\(Self.series)/instances/\(Self.compressed.sop)"
            let refused = try await Self.get(client, path)
            #expect(refused.status == .notAcceptable)
            #expect(String(buffer: refused.body).contains(Self.video.uid))
            for accept in [Self.anything, "multipart/related; type=\"application/dicom\"; transfer-syntax=\(Self.video.uid)"] {
                let response = try await Self.get(client, path, accept: accept)
                #expect(response.status == .ok)
                #expect(try WebFixture.parts(of: response).map(\.contentType) == ["application/dicom; transfer-syntax=\(Self.video.uid)"])
            }
        }
    }

    @Test func appliesTheViewToRetrievedObjectsAndMetadata() async throws {
        try await withTwoStored { client, _ in
            let response = try await Self.get(client, WebFixture.study, role: "technologist", accept: Self.anything)
            #expect(response.status == .ok)
            for part in try WebFixture.parts(of: response) {
                let file = try DICOMFile(bytes: part.bytes)
                #expect(file.dataSet[Tag(0x0010, 0x1000)] == nil)
                #expect(file.dataSet.string(Tag(0x0010, 0x0010)) == "DOE^JANE")
                #expect(file.meta.string(Tag(0x0002, 0x0003)) == file.dataSet.string(Tag(0x0008, 0x0018)))
            }
            let metadata = try await Self.get(client, "\(WebFixture.study)/metadata", role: "technologist")
            let objects = try #require(try WebFixture.json(metadata) as? [[String: Any]])
            #expect(objects.count == 2)
            #expect(objects.allSatisfy { $0["00101000"] == nil && $0["00100010"] != nil })
        }
    }

    @Test func returnsMetadataWithBulkDataByURI() async throws {
        try await withTwoStored { client, _ in
            for path in ["\(WebFixture.study)/metadata", "\(WebFixture.study)/series/\(Self.series)/metadata",
                         "\(WebFixture.study)/series/\(Self.series)/instances/\(Self.first.sop)/metadata"] {
                let response = try await Self.get(client, path)
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/dicom+json")
                let objects = try #require(try WebFixture.json(response) as? [[String: Any]])
                #expect(objects.count == (path.contains("instances") ? 1 : 2))
                #expect(objects.allSatisfy { $0["00101000"] != nil && $0["00020010"] == nil })
                // Pixel Data is referenced, not inlined: a URI under the instance's bulkdata resource.
                let pixels = objects.compactMap { $0["7FE00010"] as? [String: Any] }
                #expect(pixels.count == objects.count)
                #expect(pixels.allSatisfy { ($0["BulkDataURI"] as? String)?.hasSuffix("/bulkdata/7FE00010") == true
                    && $0["InlineBinary"] == nil && $0["Value"] == nil })
            }
        }
    }

    @Test func answers404AfterRecordingTheDecision() async throws {
        try await withTwoStored { client, fixture in
            let before = fixture.decisions.recorded.count
            let response = try await Self.get(client, "1.2.3.4.5")
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType] == "application/problem+json")
            let decision = try #require(fixture.decisions.recorded.last)
            #expect(fixture.decisions.recorded.count > before)
            #expect(decision.action == .retrieve && decision.subjects.studyUIDs == ["1.2.3.4.5"])
            #expect(try await Self.get(client, "1..2/metadata").status == .badRequest)
        }
    }

    @Test func refusesInstancesOfAnotherStudyPostedToAStudy() async throws {
        let fixture = try WebFixture()
        defer { fixture.remove() }
        try await fixture.test { client in
            let other = WebFixture.Instance(study: "1.2.826.0.1.3680043.10.2", series: "1.2.826.0.1.3680043.10.2.1", sop: "1.2.826.0.1.3680043.10.2.1.1")
            let all = try await WebFixture.stow(client, [try WebFixture.part10(other)], path: "/dicomweb/studies/\(WebFixture.study)")
            #expect(all.status == .conflict)
            let object: [String: Any]? = try #require(try WebFixture.json(all) as? [String: Any])
            let failed = try #require((object?["00081198"] as? [String: Any])?["Value"] as? [[String: Any]])
            #expect(((failed.first?["00081197"] as? [String: Any])?["Value"] as? [Int]) == [0xA900])
            let some = try await WebFixture.stow(client, [try WebFixture.part10(other), try WebFixture.part10(Self.first)],
                                                 path: "/dicomweb/studies/\(WebFixture.study)")
            #expect(some.status == .accepted)
            #expect(fixture.spooled.isEmpty)
        }
    }

    @Test func reportsDuplicatesAndUnreadablePartsAsFailures() async throws {
        let fixture = try WebFixture()
        defer { fixture.remove() }
        try await fixture.test { client in
            let response = try await WebFixture.stow(client, [Array("not DICOM at all".utf8), try WebFixture.part10(Self.first)])
            #expect(response.status == .accepted)
            let object: [String: Any]? = try #require(try WebFixture.json(response) as? [String: Any])
            let failed = try #require((object?["00081198"] as? [String: Any])?["Value"] as? [[String: Any]])
            #expect(((failed.first?["00081197"] as? [String: Any])?["Value"] as? [Int]) == [0xC000])
            // The gate allowed the unreadable part; its refusal follows that decision in the log.
            #expect(fixture.disclosures.refused.count == 1)
            #expect(fixture.disclosures.refused.first?.contains("not a readable DICOM Part 10 file") == true)
        }
    }

    @Test func refusesAStoreToWhoMayNotStoreBeforeReadingTheBody() async throws {
        let fixture = try WebFixture()
        defer { fixture.remove() }
        try await fixture.test { client in
            let response = try await WebFixture.stow(client, [try WebFixture.part10(Self.first)], role: "researcher")
            #expect(response.status == .forbidden)
            #expect(fixture.decisions.recorded.last?.allowed == false)
            #expect(fixture.spooled.isEmpty)
            #expect(try await Self.get(client, WebFixture.study).status == .notFound)
        }
    }

    @Test func refusesBodiesTooLargeCutShortOrOfAnotherType() async throws {
        let fixture = try WebFixture(maximumStoreBytes: 6000)
        defer { fixture.remove() }
        try await fixture.test { client in
            let object = try WebFixture.part10(Self.first)
            #expect(try await WebFixture.stow(client, [object, object]).status == .contentTooLarge)
            var (body, contentType) = WebFixture.multipart([object])
            body.moveWriterIndex(to: body.writerIndex - 4)
            var headers = WebFixture.bearer("radiologist")
            headers[.contentType] = contentType
            let cut = try await client.execute(uri: "/dicomweb/studies", method: .post, headers: headers, body: body)
            #expect(cut.status == .badRequest)
            #expect(String(buffer: cut.body).contains("close delimiter"))
            headers[.contentType] = "application/dicom"
            #expect(try await client.execute(uri: "/dicomweb/studies", method: .post, headers: headers, body: body).status == .unsupportedMediaType)
            #expect(fixture.spooled.isEmpty)
            #expect(try await Self.get(client, WebFixture.study).status == .notFound)
        }
    }
}
