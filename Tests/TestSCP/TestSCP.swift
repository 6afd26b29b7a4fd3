import ArgumentParser
import DICOM
import DICOMNetwork
import NIOCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A DICOM SCP over an in-memory index, for the interop tests: it lets DCMTK and pynetdicom
/// exercise every DIMSE service of `DICOMNetwork` without the archive. Not a product: it has no
/// gate and no audit, and is built only as a test fixture.
@main
struct TestSCP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rampart-test-scp",
                                                    abstract: "In-memory DICOM SCP for Rampart's interop tests.")

    @Option var host = "127.0.0.1"
    @Option var port = 0
    @Option var ae = "RAMPART"
    @Option(name: .customLong("store-dir")) var storeDirectory: String?
    @Option var preload: String?
    @Option(help: "AE=HOST:PORT, repeatable.") var destination: [String] = []
    @Option(name: .customLong("tls-cert")) var tlsCertificate: String?
    @Option(name: .customLong("tls-key")) var tlsKey: String?
    @Option(name: .customLong("tls-ca")) var tlsCA: String?
    @Flag(name: .customLong("require-client-cert")) var requireClientCertificate = false
    @Option(help: "NAME:PASSWORD, repeatable.") var user: [String] = []
    @Option(help: "An accepted JSON web token, repeatable.") var token: [String] = []
    @Flag(name: .customLong("require-identity")) var requireIdentity = false
    @Option var artim = 30
    @Option(name: .customLong("max-pdu")) var maximumPDU: UInt32 = 262_144
    @Option(name: .customLong("async-window")) var asyncWindow: UInt16 = 1

    func run() async throws {
        let folder = storeDirectory ?? makeTemporaryFolder()
        let archive = MemoryArchive(folder: folder)
        if let preload {
            for path in FileTree.regularFiles(under: [preload]) { archive.index(path: path) }
        }
        var destinations: [String: MoveDestination] = [:]
        for entry in destination {
            let parts = entry.split(separator: "=", maxSplits: 1)
            let address = parts.count == 2 ? parts[1].split(separator: ":") : []
            guard parts.count == 2, address.count == 2, let port = Int(address[1]) else {
                throw ValidationError("--destination \(entry): expected AE=HOST:PORT")
            }
            destinations[String(parts[0])] = MoveDestination(aeTitle: try AETitle(String(parts[0])), host: String(address[0]), port: port)
        }
        var users: [String: String] = [:]
        for entry in user {
            let parts = entry.split(separator: ":", maxSplits: 1)
            users[String(parts[0])] = parts.count == 2 ? String(parts[1]) : ""
        }
        let provider = MemoryProvider(
            archive: archive, aeTitle: try AETitle(ae), destinations: destinations, users: users, tokens: Set(token),
            requireIdentity: requireIdentity, maximumLength: maximumPDU, window: asyncWindow)
        var tls: DICOMTLSServerConfiguration?
        if let tlsCertificate, let tlsKey {
            tls = DICOMTLSServerConfiguration(certificateChainPath: tlsCertificate, privateKeyPath: tlsKey,
                                              trustedCAPaths: tlsCA.map { [$0] } ?? [], requireClientCertificate: requireClientCertificate)
        }
        let spool = folder + "/.spool"
        mkdir(spool, 0o700)
        let configuration = DICOMServerConfiguration(
            host: host, port: port, tls: tls, artimTimeout: .seconds(Int64(artim)),
            association: AssociationOptions(spoolDirectory: spool))
        let server = DICOMServer(configuration: configuration, provider: provider)
        let host = self.host
        try await server.run { address in
            // Unbuffered, so the test sees the line at once.
            let line = Array("listening \(host):\(address.port ?? 0)\n".utf8)
            _ = line.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
        }
    }

    private func makeTemporaryFolder() -> String {
        var template = Array("/tmp/rampart-test-scp-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }
}

/// The stored instances: files in a folder, their attributes in an `InstanceIndex`.
final class MemoryArchive: Sendable {
    let folder: String
    private let instances = Mutex(InstanceIndex())

    init(folder: String) {
        self.folder = folder
    }

    /// Indexes a Part 10 file where it is.
    @discardableResult
    func index(path: String) -> Bool {
        guard let file = try? DICOMFile(contentsOf: path) else { return false }
        // Pixel data and other bulk values stay in the file (deferred); the index needs none of them.
        let attributes = DataSet(file.dataSet.filter { $0.tag.group != 0x7FE0 })
        guard let entry = InstanceIndex.Entry(attributes: attributes, location: path) else { return false }
        instances.withLock { $0.insert(entry) }
        return true
    }

    func find(_ query: QueryIdentifier) -> [DataSet] { instances.withLock { $0.find(query) } }
    func entry(sopInstanceUID: String) -> InstanceIndex.Entry? { instances.withLock { $0[sopInstanceUID] } }
    func instances(matching query: QueryIdentifier) -> [InstanceIndex.Entry] { instances.withLock { $0.instances(matching: query) } }
}

struct MemoryProvider: DICOMServiceProvider {
    let archive: MemoryArchive
    let aeTitle: AETitle
    let destinations: [String: MoveDestination]
    let users: [String: String]
    let tokens: Set<String>
    let requireIdentity: Bool
    let maximumLength: UInt32
    let window: UInt16

    func associationRequested(_ request: AssociateRQ, peer: AssociationPeer) async -> AssociationDecision {
        let identity = request.userInformation.userIdentityRQ
        let authenticated = identity.map(verify) ?? false
        if requireIdentity, !authenticated {
            return .reject(AssociateRJ(result: .rejectedPermanent, source: .serviceUser(.noReasonGiven)),
                           reason: identity == nil ? "no user identity" : "user identity not accepted")
        }
        let plain = [TransferSyntax.explicitVRLittleEndian.uid, TransferSyntax.implicitVRLittleEndian.uid,
                     TransferSyntax.deflatedExplicitVRLittleEndian.uid, TransferSyntax.explicitVRBigEndian.uid]
        var configuration = AcceptorConfiguration.archive(aeTitle: aeTitle, answering: request, plainSyntaxes: plain)
        configuration.maximumLength = maximumLength
        configuration.maximumOperationsInvoked = window
        configuration.maximumOperationsPerformed = window
        let response: UserIdentityAC? = authenticated && identity?.positiveResponseRequested == true ? UserIdentityAC(serverResponse: []) : nil
        return .accept(configuration, userIdentityResponse: response)
    }

    private func verify(_ identity: UserIdentityRQ) -> Bool {
        let primary = String(decoding: identity.primaryField, as: UTF8.self)
        switch identity.kind {
        case .usernameAndPasscode:
            return users[primary] == String(decoding: identity.secondaryField, as: UTF8.self)
        case .jwt:
            return tokens.contains(primary)
        case .username, .kerberos, .saml:
            return false
        }
    }

    func echo(context: ServiceContext) async -> DIMSEStatus { .success }

    func store(_ instance: ReceivedInstance, context: ServiceContext) async -> DIMSEServiceResult {
        guard case let .file(spooled) = instance.dataSet else {
            return DIMSEServiceResult(.processingFailure, comment: "no spooled file")
        }
        let uid: ValidatedUID
        do {
            uid = try ValidatedUID(instance.sopInstanceUID)
        } catch {
            return DIMSEServiceResult(.errorCannotUnderstand, comment: "\(error)")
        }
        let path = archive.folder + "/" + uid.value + ".dcm"
        guard rename(spooled.path, path) == 0 else {
            return DIMSEServiceResult(.refusedOutOfResources, comment: "cannot write the instance")
        }
        guard archive.index(path: path) else {
            return DIMSEServiceResult(.errorCannotUnderstand, comment: "the data set cannot be parsed")
        }
        return .success
    }

    func find(_ query: ServiceQuery, context: ServiceContext) async throws(DIMSEServiceFailure) -> AsyncThrowingStream<DataSet, any Error> {
        let identifier = try parse(query, operation: .find, context: context)
        let matches = archive.find(identifier).map { identifier.response(for: $0) }
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: DataSet.self)
        for match in matches { continuation.yield(match) }
        continuation.finish()
        return stream
    }

    func retrieve(_ query: ServiceQuery, context: ServiceContext) async throws(DIMSEServiceFailure) -> [RetrievableInstance] {
        let operation: QueryRetrieveOperation = QueryRetrieveOperation(sopClassUID: query.sopClassUID) ?? .move
        let identifier = try parse(query, operation: operation, context: context)
        return archive.instances(matching: identifier).map {
            RetrievableInstance(sopClassUID: $0.sopClassUID, sopInstanceUID: $0.sopInstanceUID, path: $0.location)
        }
    }

    func moveDestination(_ aeTitle: AETitle, context: ServiceContext) async -> MoveDestination? {
        destinations[aeTitle.value]
    }

    /// Commits what the index holds as the referenced SOP class; reports go to --destination AEs.
    func commit(_ request: StorageCommitmentRequest, context: ServiceContext) async throws(DIMSEServiceFailure) -> StorageCommitmentResult {
        var result = StorageCommitmentResult(transactionUID: request.transactionUID, committed: [], failed: [])
        for reference in request.references {
            switch archive.entry(sopInstanceUID: reference.sopInstanceUID) {
            case nil:
                result.failed.append(StorageCommitmentFailure(reference: reference, reason: .noSuchObjectInstance))
            case let entry? where entry.sopClassUID != reference.sopClassUID:
                result.failed.append(StorageCommitmentFailure(reference: reference, reason: .classInstanceConflict))
            case .some:
                result.committed.append(reference)
            }
        }
        return result
    }

    private func parse(_ query: ServiceQuery, operation: QueryRetrieveOperation, context: ServiceContext) throws(DIMSEServiceFailure) -> QueryIdentifier {
        guard let model = QueryRetrieveModel(sopClassUID: query.sopClassUID) else {
            throw DIMSEServiceFailure(.sopClassNotSupported, "not a Query/Retrieve SOP class")
        }
        do {
            return try QueryIdentifier(query.identifier, model: model, operation: operation,
                                       options: QueryMatchingOptions(negotiatedOn: context.association, sopClassUID: query.sopClassUID))
        } catch {
            throw DIMSEServiceFailure(DIMSEStatus(rawValue: error.dimseStatus), "\(error)")
        }
    }
}
