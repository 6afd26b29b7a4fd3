import Access
import Archive
import DICOM
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing
import Logs
@testable import Web

private typealias Tag = DICOM.Tag

/// A `WebServer` over a fresh archive in a temporary folder, with the built-in policy, and a
/// credential per role: "Bearer radiologist" is a user holding the radiologist role.
struct WebFixture: Sendable {
    let folder: String
    let archive: Archive
    let decisions = MemoryDecisionRecorder()
    let disclosures = DisclosureLog()
    let server: WebServer

    init(maximumStoreBytes: Int = 1 << 20, loginProviders: [BrowserLoginProvider] = []) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("web-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/spool", withIntermediateDirectories: true)
        archive = try Archive(directory: folder + "/archive")
        let gate = Gate(registry: AERegistry(), recorder: decisions)
        server = WebServer(settings: .init(host: "127.0.0.1", port: 0, tls: nil, maximumStoreBytes: maximumStoreBytes, loginProviders: loginProviders),
                           archive: archive, gate: gate, authenticator: RoleAuthenticator(), recorder: disclosures,
                           spoolDirectory: folder + "/spool", log: .discarding)
    }

    func remove() { try? FileManager.default.removeItem(atPath: folder) }

    /// Runs `body` with a client of the router, in memory.
    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await Application(router: server.router()).test(.router, body)
    }

    /// What is left in the spool folder: nothing, once a request is answered.
    var spooled: [String] { (try? FileManager.default.contentsOfDirectory(atPath: folder + "/spool")) ?? [] }

    static func bearer(_ role: String) -> HTTPFields { [.authorization: "Bearer \(role)"] }

    // MARK: Objects

    static let ctImage = "1.2.840.10008.5.1.4.1.1.2"
    static let study = "1.2.826.0.1.3680043.10.1"

    struct Instance {
        var study = WebFixture.study
        var series = "1.2.826.0.1.3680043.10.1.1"
        var sop: String
        var syntax = TransferSyntax.explicitVRLittleEndian
    }

    /// A synthetic CT object: made-up patient, an identifier the technologist's view hides
    /// (Other Patient IDs), and 4 KiB of pixel data (encapsulated in a compressed syntax).
    static func part10(_ instance: Instance) throws -> [UInt8] {
        var dataSet = DataSet()
        dataSet.insert(.uid(Tag(0x0008, 0x0016), ctImage))
        dataSet.insert(.uid(Tag(0x0008, 0x0018), instance.sop))
        dataSet.insert(.text(Tag(0x0008, 0x0060), .CS, ["CT"]))
        dataSet.insert(.text(Tag(0x0010, 0x0010), .PN, ["DOE^JANE"]))
        dataSet.insert(.text(Tag(0x0010, 0x0020), .LO, ["PAT1"]))
        dataSet.insert(.text(Tag(0x0010, 0x1000), .LO, ["OTHER-ID-7"]))
        dataSet.insert(.uid(Tag(0x0020, 0x000D), instance.study))
        dataSet.insert(.uid(Tag(0x0020, 0x000E), instance.series))
        dataSet.insert(.text(Tag(0x0020, 0x0013), .IS, ["1"]))
        let pixels = (0..<4096).map { UInt8(truncatingIfNeeded: $0) }
        if instance.syntax.isEncapsulated {
            dataSet.insert(DataElement(tag: Tag(0x7FE0, 0x0010), vr: .OB, value: .encapsulated(EncapsulatedPixelData(fragments: [.inline(pixels)]))))
        } else {
            dataSet.insert(DataElement(tag: Tag(0x7FE0, 0x0010), vr: .OW, bytes: pixels))
        }
        return try DICOMFile(meta: DataSet(), dataSet: dataSet, transferSyntax: instance.syntax).encoded()
    }

    /// A STOW-RS body of these Part 10 objects, and its Content-Type.
    static func multipart(_ objects: [[UInt8]], boundary: String = "stow-test-boundary") -> (body: ByteBuffer, contentType: String) {
        var body: [UInt8] = []
        for object in objects {
            body += MultipartRelated.partHead(boundary: boundary, contentType: "application/dicom") + object + MultipartRelated.partEnd
        }
        body += MultipartRelated.close(boundary: boundary)
        return (ByteBuffer(bytes: body), "multipart/related; type=\"application/dicom\"; boundary=\(boundary)")
    }

    /// Stores objects over STOW-RS as a radiologist and returns the response.
    /// STOW-RS of `objects`, as the role's bearer, or with `headers` (a session's cookie) instead.
    static func stow(_ client: any TestClientProtocol, _ objects: [[UInt8]], path: String = "/dicomweb/studies",
                     role: String = "radiologist", headers credential: HTTPFields? = nil) async throws -> TestResponse {
        let (body, contentType) = multipart(objects)
        var headers = credential ?? bearer(role)
        headers[.contentType] = contentType
        return try await client.execute(uri: path, method: .post, headers: headers, body: body)
    }

    /// The parts of a multipart/related response, with their Content-Type.
    static func parts(of response: TestResponse) throws -> [(contentType: String, bytes: [UInt8])] {
        let contentType = MediaRange(response.headers[.contentType] ?? "")
        #expect(contentType.type == "multipart/related")
        #expect(contentType.parameters["type"] == "application/dicom")
        var parser = try MultipartParser(boundary: contentType.parameters["boundary"] ?? "")
        var parts: [(contentType: String, bytes: [UInt8])] = []
        for event in try parser.feed(response.body) {
            switch event {
            case .partBegan(let headers): parts.append((headers["content-type"] ?? "", []))
            case .body(let bytes): parts[parts.count - 1].bytes += Array(bytes.readableBytesView)
            case .partEnded: break
            }
        }
        try parser.finish()
        return parts
    }

    /// A JSON body as Foundation objects.
    static func json(_ response: TestResponse) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
    }
}

/// "Bearer ROLE" proves a user named after the role holding it, by token; anything else proves nobody.
struct RoleAuthenticator: RequestAuthenticator {
    func authenticate(authorization: String?, channel: AccessChannel, peerAddress: String) async -> AccessContext {
        guard let authorization, authorization.hasPrefix("Bearer ") else {
            return AccessContext(principal: .anonymous, channel: channel, peerAddress: peerAddress, authentication: .none)
        }
        let role = String(authorization.dropFirst("Bearer ".count))
        return AccessContext(principal: .user(role), roles: [role], channel: channel, peerAddress: peerAddress, authentication: .token)
    }

    /// The user named after a role signs in with the password "ROLE-password".
    func signIn(name: String, secret: String, channel: AccessChannel, peerAddress: String) async -> AccessContext {
        guard secret == name + "-password" else {
            return AccessContext(principal: .anonymous, channel: channel, peerAddress: peerAddress, authentication: .none,
                                 authenticationFailure: "wrong password")
        }
        return AccessContext(principal: .user(name), roles: [name], channel: channel, peerAddress: peerAddress, authentication: .password)
    }

    /// "id-token NONCE ROLE" is an ID token of the login that expects NONCE, for the user named
    /// after the role; any other is refused.
    func signIn(idToken: String, from provider: BrowserLoginProvider, nonce: String, peerAddress: String) async -> AccessContext {
        let parts = idToken.split(separator: " ").map(String.init)
        guard parts.count == 3, parts[0] == "id-token", parts[1] == nonce else {
            return AccessContext(principal: .anonymous, channel: .ui, peerAddress: peerAddress, authentication: .none,
                                 authenticationFailure: "token refused: wrong nonce")
        }
        return AccessContext(principal: .user(parts[2]), roles: [parts[2]], channel: .ui, peerAddress: peerAddress, authentication: .token)
    }

    func resume(user: String, signIn: SessionSignIn, channel: AccessChannel, peerAddress: String) async -> AccessContext {
        let roles = if case let .identityProvider(_, roles) = signIn { roles } else { [user] }
        return AccessContext(principal: .user(user), roles: roles, channel: channel, peerAddress: peerAddress, authentication: signIn.strength)
    }
}

/// Keeps what responses disclosed.
final class DisclosureLog: DisclosureRecorder {
    private let entries = Mutex<[Disclosure]>([])

    func disclosed(_ disclosure: Disclosure, grant: Grant) throws {
        entries.withLock { $0.append(disclosure) }
    }

    func refusedStore(_ reason: String, instance sopInstanceUID: String, grant: Grant) throws {
        refusals.withLock { $0.append(reason) }
    }

    /// The reasons of the stores refused after the gate allowed them.
    var refused: [String] { refusals.withLock { $0 } }
    private let refusals = Mutex<[String]>([])

    var recorded: [Disclosure] { entries.withLock { $0 } }
}
